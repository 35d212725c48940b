using Portal.Core.Common;
using Portal.Core.Handling;

namespace Portal.Core.Tickets;

/// <summary>A file picked to go with a request, a reply or a note.</summary>
public sealed record NewAttachment(string FileName, string ContentType, byte[] Data);

public static class AttachmentRules
{
    public const string Field = "Attachments";

    public static void Check(IReadOnlyList<NewAttachment> files, ValidationErrors errors)
    {
        if (files.Count > TicketLimits.AttachmentsPerUpload)
            errors.Add(Field, $"At most {TicketLimits.AttachmentsPerUpload} files can be attached at once.");
        foreach (var file in files)
        {
            var ext = Path.GetExtension(file.FileName);
            if (string.IsNullOrEmpty(ext) || !TicketLimits.AllowedAttachmentTypes.ContainsKey(ext))
                errors.Add(Field, $"\"{file.FileName}\" is of a type that is not accepted. Accepted: " +
                    string.Join(", ", TicketLimits.AllowedAttachmentTypes.Keys) + ".");
            else if (file.Data.LongLength > TicketLimits.AttachmentMaxBytes)
                errors.Add(Field, $"\"{file.FileName}\" is {Size(file.Data.LongLength)}; the limit is {Size(TicketLimits.AttachmentMaxBytes)}.");
            else if (file.Data.LongLength == 0)
                errors.Add(Field, $"\"{file.FileName}\" is empty.");
            else if (file.FileName.Length > 255)
                errors.Add(Field, "A file name must be at most 255 characters.");
        }
    }

    /// <summary>
    /// A picked file checked by its name and size alone, before any of it is read into memory: what would be refused
    /// later is refused here without costing the server the file. Null when it may be read.
    /// </summary>
    public static string? Precheck(string fileName, long size, int alreadyPicked)
    {
        var name = Common.SafeText.FileName(fileName);
        var ext = Path.GetExtension(name);
        if (alreadyPicked >= TicketLimits.AttachmentsPerUpload)
            return $"At most {TicketLimits.AttachmentsPerUpload} files can be attached at once; \"{name}\" was left out.";
        if (string.IsNullOrEmpty(ext) || !TicketLimits.AllowedAttachmentTypes.ContainsKey(ext))
            return $"\"{name}\" is of a type that is not accepted. Accepted: " + string.Join(", ", TicketLimits.AllowedAttachmentTypes.Keys) + ".";
        if (size > TicketLimits.AttachmentMaxBytes)
            return $"\"{name}\" is {Size(size)}; the limit is {Size(TicketLimits.AttachmentMaxBytes)}.";
        return size == 0 ? $"\"{name}\" is empty." : null;
    }

    public static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.#} KB",
        _ => $"{bytes / (1024.0 * 1024):0.#} MB",
    };

    public static string ContentTypeFor(string fileName) =>
        TicketLimits.AllowedAttachmentTypes.TryGetValue(Path.GetExtension(fileName), out var type)
            ? type
            : "application/octet-stream";
}

namespace Portal.Core.Tickets;

public static class TicketLimits
{
    public const int TitleMax = 200;
    public const int TextMax = 20_000;
    public const int FieldValueMax = 2_000;
    public const long AttachmentMaxBytes = 10 * 1024 * 1024;
    public const int AttachmentsPerUpload = 5;

    /// <summary>File endings accepted as attachments, with the content type they are served as.</summary>
    public static readonly IReadOnlyDictionary<string, string> AllowedAttachmentTypes =
        new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            [".pdf"] = "application/pdf",
            [".png"] = "image/png",
            [".jpg"] = "image/jpeg",
            [".jpeg"] = "image/jpeg",
            [".gif"] = "image/gif",
            [".txt"] = "text/plain",
            [".log"] = "text/plain",
            [".csv"] = "text/csv",
            [".docx"] = "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            [".xlsx"] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            [".msg"] = "application/vnd.ms-outlook",
            [".eml"] = "message/rfc822",
        };
}

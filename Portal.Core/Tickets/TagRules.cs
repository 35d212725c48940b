using System.Text;
using Portal.Core.Common;

namespace Portal.Core.Tickets;

/// <summary>
/// What a tag may be: a word or words joined by hyphens, lower case ("VPN" and "vpn " are one tag "vpn"; "new starter"
/// becomes "new-starter"), letters, digits, hyphens and underscores, at most 40 characters; at most 20 on a ticket.
/// </summary>
public static class TagRules
{
    public const string Field = "Tags";
    public const int MaxLength = 40;
    public const int MaxPerTicket = 20;

    /// <summary>A typed tag as it is kept, or null when nothing of it is left.</summary>
    public static string? Normalize(string? typed)
    {
        var b = new StringBuilder();
        foreach (var c in (typed ?? "").Trim().ToLowerInvariant())
        {
            if (char.IsLetterOrDigit(c) || c is '_' or '-')
                b.Append(c);
            else if ((char.IsWhiteSpace(c) || c is '/' or '.') && b.Length > 0 && b[^1] != '-')
                b.Append('-');
        }

        var tag = b.ToString().Trim('-');
        return tag.Length == 0 ? null : tag;
    }

    /// <summary>The tags as kept: normalized, without repeats, sorted; too long or too many named in <paramref name="errors"/>.</summary>
    public static IReadOnlyList<string> Clean(IEnumerable<string?> typed, ValidationErrors errors)
    {
        var tags = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var t in typed)
        {
            if (Normalize(t) is not { } tag)
                continue;
            if (tag.Length > MaxLength)
                errors.Add(Field, $"Tag \"{tag[..20]}…\" is longer than {MaxLength} characters.");
            else
                tags.Add(tag);
        }

        if (tags.Count > MaxPerTicket)
            errors.Add(Field, $"A ticket takes at most {MaxPerTicket} tags; {tags.Count} were given.");
        return tags.ToList();
    }

    /// <summary>Comma-separated tags (as an editor types them) as a list.</summary>
    public static IEnumerable<string> Split(string? text) => (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

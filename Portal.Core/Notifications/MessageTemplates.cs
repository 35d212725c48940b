using System.Text;
using System.Text.Json;

namespace Portal.Core.Notifications;

/// <summary>
/// The texts of outgoing messages, configurable under Notifications:Templates. Placeholders in braces are replaced
/// with the message's values: {key} {title} {what} {status} {priority} {due} {department} {link}.
/// </summary>
public sealed class TemplateOptions
{
    public string EmailSubject { get; set; } = "[{key}] {what}";

    public string EmailText { get; set; } =
        "{what}\n\nTicket:   {key} {title}\nStatus:   {status}\nPriority: {priority}\nSLA:      {due}\n\nOpen it: {link}";

    public string ChatText { get; set; } = "[{key}] {what}: {title} ({status}, {priority}, {due}) {link}";

    public string SmsText { get; set; } = "[{key}] {what}: {title}";
}

/// <summary>What a message says, kept with it in the outbox and put into the templates when it is sent.</summary>
public sealed record MessageValues(string Key, string Title, string What, string Status, string Priority, string Due, string Department,
    string Link, string Event, DateTime At, int TicketId)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Write() => JsonSerializer.Serialize(this, Json);

    public static MessageValues Read(string json) =>
        JsonSerializer.Deserialize<MessageValues>(json, Json) ?? throw new InvalidOperationException("The message has no values.");

    /// <summary>Fills a template; a malformed one fails with a message naming the setting and the problem.</summary>
    public string Fill(string template, string setting)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["key"] = Key, ["title"] = Title, ["what"] = What, ["status"] = Status, ["priority"] = Priority, ["due"] = Due,
            ["department"] = Department, ["link"] = Link,
        };
        var output = new StringBuilder();
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if (c == '}')
                throw new FormatException($"Template {setting} has a \"}}\" without its \"{{\" at position {i + 1}.");
            if (c != '{')
            {
                output.Append(c);
                continue;
            }

            var end = template.IndexOf('}', i + 1);
            if (end < 0)
                throw new FormatException($"Template {setting} has a \"{{\" that is never closed at position {i + 1}.");
            var name = template[(i + 1)..end];
            if (!values.TryGetValue(name, out var value))
                throw new FormatException($"Template {setting} uses {{{name}}}, which is not a placeholder; use one of {{{string.Join("} {", values.Keys)}}}.");
            output.Append(value);
            i = end;
        }

        return output.ToString();
    }
}

/// <summary>
/// What a feature adds to an email about one of its events, for its one recipient (an approval's Approve and Reject
/// links). Such an email is decided by its links, not answered: it has no Reply-To, and the Message-Id marks it so an
/// answer to it is turned back, never taken for a reply on the ticket.
/// </summary>
public interface IEmailAddition
{
    /// <summary>The lines to add, or null when the message is none of this feature's.</summary>
    Task<string?> LinesAsync(Persistence.DeskDbContext db, OutboxMessage message, CancellationToken ct);
}

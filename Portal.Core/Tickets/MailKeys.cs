using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Portal.Core.Tickets;

/// <summary>
/// A ticket's reply key (<see cref="Ticket.MailKey"/>): 10 random letters and digits that are never confused when read
/// aloud or typed (no 0/o, 1/l), about 50 bits. It stands in the Reply-To (it+k7f3q2xa9m@acme.example) and in the
/// Message-Id of the ticket's emails (&lt;t-k7f3q2xa9m.{id}@internaldesk&gt;), so an answer finds its ticket.
/// </summary>
public static partial class MailKeys
{
    private const string Alphabet = "abcdefghijkmnpqrstuvwxyz23456789";
    public const string MessageIdDomain = "internaldesk";

    /// <summary>The line the desk's emails carry above their text; an answer written above it is all that counts.</summary>
    public const string ReplyAboveLine = "— Reply above this line to answer —";

    public static string New() => RandomNumberGenerator.GetString(Alphabet, 10);

    /// <summary>The Message-Id of one email about a ticket (without the angle brackets).</summary>
    public static string MessageId(string? mailKey, string idempotencyKey) =>
        mailKey is null ? $"{idempotencyKey}@{MessageIdDomain}" : $"t-{mailKey}.{idempotencyKey}@{MessageIdDomain}";

    /// <summary>The Message-Id of an email decided by its links, not answered (an approval's).</summary>
    public static string NotForRepliesId(string idempotencyKey) => $"n-{idempotencyKey}@{MessageIdDomain}";

    /// <summary>Whether a Message-Id is one of our emails that are not answered.</summary>
    public static bool IsNotForReplies(string messageId) => messageId.Trim('<', '>', ' ').StartsWith("n-", StringComparison.Ordinal)
        && messageId.Trim('<', '>', ' ').EndsWith("@" + MessageIdDomain, StringComparison.Ordinal);

    /// <summary>The reply key in one of our Message-Ids, or null for anyone else's.</summary>
    public static string? FromMessageId(string messageId) =>
        OurMessageId().Match(messageId) is { Success: true } m ? m.Groups[1].Value : null;

    [GeneratedRegex(@"^<?t-([a-z2-9]{10})\.[^@]+@internaldesk>?$")]
    private static partial Regex OurMessageId();
}

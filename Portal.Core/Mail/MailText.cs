using System.Text;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using MimeKit;

namespace Portal.Core.Mail;

/// <summary>
/// What a message says, as text for a ticket: its plain-text part, or its HTML part read by a real HTML parser
/// (AngleSharp) and turned into text (paragraphs, line breaks, list items and links kept; scripts, styles and markup
/// gone). A reply loses the history it quotes and the signature below it; the whole message is kept beside it.
/// </summary>
public static partial class MailText
{
    /// <summary>The message's text: the plain part when there is one, else the HTML part as text.</summary>
    public static string Body(MimeMessage message)
    {
        if (message.TextBody is { } text && !string.IsNullOrWhiteSpace(text))
            return Normalise(text);
        return message.HtmlBody is { } html ? Normalise(HtmlToText(html)) : "";
    }

    /// <summary>HTML as readable text: blocks on their own lines, links as "text (address)".</summary>
    public static string HtmlToText(string html)
    {
        var document = new HtmlParser().ParseDocument(html);
        var output = new StringBuilder();
        Write(document.Body ?? (INode)document.DocumentElement, output);
        return output.ToString();
    }

    private static readonly HashSet<string> Blocks = new(StringComparer.OrdinalIgnoreCase)
    {
        "P", "DIV", "LI", "TR", "H1", "H2", "H3", "H4", "H5", "H6", "BLOCKQUOTE", "PRE", "TABLE", "UL", "OL", "SECTION", "ARTICLE", "HEADER", "FOOTER", "HR",
    };

    private static readonly HashSet<string> Silent = new(StringComparer.OrdinalIgnoreCase) { "SCRIPT", "STYLE", "HEAD", "TITLE", "NOSCRIPT", "TEMPLATE" };

    private static void Write(INode node, StringBuilder output)
    {
        foreach (var child in node.ChildNodes)
        {
            switch (child)
            {
                case IText text:
                    output.Append(WhiteSpace().Replace(text.Data, " "));
                    break;
                case IElement element when Silent.Contains(element.TagName):
                    break;
                case IElement { TagName: "BR" }:
                    output.Append('\n');
                    break;
                case IElement element:
                    var block = Blocks.Contains(element.TagName);
                    if (block)
                        output.Append('\n');
                    if (element.TagName == "LI")
                        output.Append("- ");
                    if (element.TagName == "BLOCKQUOTE")
                    {
                        // Quoted history in HTML mail: written as "> " lines, so it is cut like plain-text quoting.
                        var inner = new StringBuilder();
                        Write(element, inner);
                        foreach (var line in Normalise(inner.ToString()).Split('\n'))
                            output.Append("> ").Append(line).Append('\n');
                        break;
                    }

                    Write(element, output);
                    if (element.TagName == "A" && element.GetAttribute("href") is { } href && href.StartsWith("http", StringComparison.OrdinalIgnoreCase)
                        && !element.TextContent.Contains(href, StringComparison.OrdinalIgnoreCase))
                        output.Append(" (").Append(href).Append(')');
                    if (block)
                        output.Append('\n');
                    break;
            }
        }
    }

    /// <summary>Line breaks as \n, no trailing spaces, at most one empty line in a row, trimmed.</summary>
    public static string Normalise(string text)
    {
        var lines = text.Replace("\r\n", "\n").Replace('\r', '\n').Replace('\u00A0', ' ').Split('\n').Select(l => l.TrimEnd());
        var output = new StringBuilder();
        var empty = 0;
        foreach (var line in lines)
        {
            empty = line.Length == 0 ? empty + 1 : 0;
            if (empty < 2)
                output.Append(line).Append('\n');
        }

        return output.ToString().Trim('\n', ' ');
    }

    /// <summary>
    /// An answer without what it quotes: cut at the desk's own line, at "On ... wrote:", at Outlook's header block or
    /// "Original Message", at a run of "&gt;" lines, and before a signature ("-- ", "Sent from my iPhone"). When nothing
    /// would be left (someone wrote only below the quote), the whole text stays.
    /// </summary>
    public static string WithoutQuotedHistory(string text)
    {
        var lines = Normalise(text).Split('\n');
        var cut = lines.Length;
        for (var i = 0; i < lines.Length && cut == lines.Length; i++)
        {
            var line = lines[i].Trim();
            var next = i + 1 < lines.Length ? lines[i + 1].Trim() : "";
            if (line.Contains("Reply above this line", StringComparison.OrdinalIgnoreCase)
                || OriginalMessage().IsMatch(line)
                || Wrote().IsMatch(line)
                || (line.StartsWith("On ", StringComparison.Ordinal) && !line.EndsWith(':') && Wrote().IsMatch(line + " " + next))
                || (HeaderFrom().IsMatch(line) && lines.Skip(i + 1).Take(4).Any(l => HeaderSentOrDate().IsMatch(l.Trim())))
                || (line.Length >= 20 && line.All(c => c == '_') && HeaderFrom().IsMatch(next))
                || (line.StartsWith('>') && lines.Skip(i).All(l => l.TrimStart().StartsWith('>') || l.Trim().Length == 0)))
                cut = i;
        }

        var kept = lines.Take(cut).ToList();
        // A signature: everything from "-- " (RFC 3676), or a mobile client's line at the very end.
        var signature = kept.FindIndex(l => l == "-- " || l == "--");
        if (signature >= 0)
            kept = kept.Take(signature).ToList();
        while (kept.Count > 0 && (kept[^1].Trim().Length == 0 || MobileSignature().IsMatch(kept[^1].Trim())))
            kept.RemoveAt(kept.Count - 1);
        var answer = Normalise(string.Join('\n', kept));
        return answer.Length > 0 ? answer : Normalise(text);
    }

    /// <summary>
    /// Why a message must not be answered or ticketed (an auto-reply, a bounce, bulk mail, the desk's own), or null
    /// for mail a person wrote.
    /// </summary>
    public static string? Automatic(MimeMessage message, IReadOnlyCollection<string> ourAddresses)
    {
        var headers = message.Headers;
        if (headers[HeaderId.AutoSubmitted] is { } auto && !auto.Trim().Equals("no", StringComparison.OrdinalIgnoreCase))
            return "auto-reply";
        if (headers.Contains("X-Autoreply") || headers.Contains("X-Autorespond") || headers.Contains("X-Autoresponder"))
            return "auto-reply";
        if (headers[HeaderId.Precedence] is { } precedence && precedence.Trim().ToLowerInvariant() is "bulk" or "junk" or "list" or "auto_reply")
            return "bulk mail";
        if (headers.Contains(HeaderId.ListId) || headers.Contains("List-Unsubscribe"))
            return "bulk mail";
        if (headers[HeaderId.ReturnPath] is { } returnPath && returnPath.Trim() == "<>")
            return "bounce";
        if (message.Body is MultipartReport || message.BodyParts.Any(p => p.ContentType.MimeType is "message/delivery-status" or "message/disposition-notification"))
            return "bounce";
        var from = message.From.Mailboxes.FirstOrDefault()?.Address?.ToLowerInvariant() ?? "";
        var local = from.Split('@')[0];
        if (local is "mailer-daemon" or "postmaster" || local.StartsWith("noreply", StringComparison.Ordinal) || local.StartsWith("no-reply", StringComparison.Ordinal))
            return local is "mailer-daemon" or "postmaster" ? "bounce" : "sent from an address that takes no answers";
        if (ourAddresses.Contains(from, StringComparer.OrdinalIgnoreCase) || ourAddresses.Contains(WithoutPlus(from), StringComparer.OrdinalIgnoreCase))
            return "the desk's own mail";
        if (AutoSubject().IsMatch(message.Subject ?? ""))
            return "auto-reply";
        return null;
    }

    /// <summary>it+k7f3q2xa@acme.example as it@acme.example.</summary>
    public static string WithoutPlus(string address)
    {
        var at = address.LastIndexOf('@');
        var plus = address.IndexOf('+');
        return at > 0 && plus > 0 && plus < at ? address[..plus] + address[at..] : address;
    }

    /// <summary>The reply key of it+k7f3q2xa@acme.example, or null.</summary>
    public static string? PlusKey(string address)
    {
        var at = address.LastIndexOf('@');
        var plus = address.IndexOf('+');
        return at > 0 && plus > 0 && plus < at - 1 ? address[(plus + 1)..at].ToLowerInvariant() : null;
    }

    [GeneratedRegex(@"[ \t\n\r\f]+")]
    private static partial Regex WhiteSpace();

    [GeneratedRegex(@"^-{2,}\s*(Original Message|Ursprüngliche Nachricht|Message d'origine|Forwarded message)\s*-{2,}$", RegexOptions.IgnoreCase)]
    private static partial Regex OriginalMessage();

    [GeneratedRegex(@"^(On\s.{4,300}\swrote|Am\s.{4,300}\sschrieb.{0,100}|Le\s.{4,300}\sa écrit)\s?:$", RegexOptions.IgnoreCase)]
    private static partial Regex Wrote();

    [GeneratedRegex(@"^\*?(From|Von|De)\s?:\*?\s", RegexOptions.IgnoreCase)]
    private static partial Regex HeaderFrom();

    [GeneratedRegex(@"^\*?(Sent|Date|Gesendet|Datum|Envoyé)\s?:\*?\s", RegexOptions.IgnoreCase)]
    private static partial Regex HeaderSentOrDate();

    [GeneratedRegex(@"^(Sent from my .{1,60}|Sent from (Outlook|Mail) for \w+|Get Outlook for \w+|Von meinem .{1,60} gesendet|Envoyé de mon .{1,60})\.?$", RegexOptions.IgnoreCase)]
    private static partial Regex MobileSignature();

    [GeneratedRegex(@"^(Automatic reply|Auto(matische)? ?(Antwort|reply)|Out of (the )?office|Abwesenheitsnotiz|Réponse automatique)\b", RegexOptions.IgnoreCase)]
    private static partial Regex AutoSubject();
}

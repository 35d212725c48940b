using Ganss.Xss;
using Markdig;

namespace Portal.Core.Knowledge;

/// <summary>
/// An article's Markdown as HTML a browser may show: Markdig without raw HTML (typed tags appear as text) and without
/// the attribute syntax, then HtmlSanitizer as a second wall: no script, no event handlers, no styles, links only to
/// http, https and mailto (and the desk's own paths), opened without handing the desk's page to the target.
/// </summary>
public static class ArticleMarkdown
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .DisableHtml()
        .UsePipeTables()
        .UseAutoLinks()
        .UseTaskLists()
        .UseEmphasisExtras()
        .UseListExtras()
        .Build();

    private static readonly HtmlSanitizer Sanitizer = CreateSanitizer();

    private static HtmlSanitizer CreateSanitizer()
    {
        var options = new HtmlSanitizerOptions
        {
            AllowedTags = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
            {
                "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "ins", "mark", "sub", "sup", "code", "pre",
                "blockquote", "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td", "input", "span",
            },
            AllowedAttributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "href", "src", "alt", "title", "type", "checked", "disabled", "align", "start" },
            AllowedSchemes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "http", "https", "mailto" },
            UriAttributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "href", "src" },
            AllowedCssProperties = new HashSet<string>(StringComparer.OrdinalIgnoreCase),
            AllowedAtRules = new HashSet<AngleSharp.Css.Dom.CssRuleType>(),
        };
        var sanitizer = new HtmlSanitizer(options);
        sanitizer.PostProcessNode += (_, e) =>
        {
            if (e.Node is AngleSharp.Dom.IElement element)
            {
                if (element.TagName.Equals("A", StringComparison.OrdinalIgnoreCase))
                    element.SetAttribute("rel", "noopener noreferrer nofollow");
                // Images load as the reader scrolls to them (the page's policy shows only the desk's own).
                if (element.TagName.Equals("IMG", StringComparison.OrdinalIgnoreCase))
                    element.SetAttribute("loading", "lazy");
                // Task list boxes only, never a form field.
                if (element.TagName.Equals("INPUT", StringComparison.OrdinalIgnoreCase) && element.GetAttribute("type") != "checkbox")
                    element.Remove();
            }
        };
        return sanitizer;
    }

    /// <summary>The body as safe HTML.</summary>
    public static string ToHtml(string markdown) => Sanitize(Markdown.ToHtml(markdown ?? "", Pipeline));

    /// <summary>Any HTML made safe by the same rules (a second wall for what Markdig makes, and for tests of the rules).</summary>
    public static string Sanitize(string html) => Sanitizer.Sanitize(html);

    /// <summary>The body as plain text, for the search index and snippets.</summary>
    public static string ToPlainText(string markdown) =>
        System.Text.RegularExpressions.Regex.Replace(Markdown.ToPlainText(markdown ?? "", Pipeline), @"\s+", " ").Trim();
}

using Portal.Core.Knowledge;

namespace Portal.Tests.Core;

/// <summary>Articles are Markdown shown as HTML: nothing in them may run in a reader's browser.</summary>
public class ArticleMarkdownTests
{
    public static TheoryData<string> Attacks => new()
    {
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](  javascript:alert(1))",
        "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
        "<svg onload=alert(1)><circle r=10 /></svg>",
        "<div style=\"background:url(javascript:alert(1))\">x</div>",
        "<p style=\"width: expression(alert(1))\">x</p>",
        "<iframe src=\"https://evil.example\"></iframe>",
        "<a href=\"https://ok.example\" onclick=\"alert(1)\">ok</a>",
        "<form action=\"https://evil.example\"><input name=p></form>",
        "[x](vbscript:msgbox(1))",
        "<object data=\"x.swf\"></object><embed src=\"x.swf\">",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        "`<b>` is fine as code <b onmouseover=alert(1)>bold</b>",
        "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">",
        "<base href=\"https://evil.example/\">",
        "[link](https://ok.example \"title\" onmouseover=\"alert(1)\")",
    };

    [Theory]
    [MemberData(nameof(Attacks))]
    public void NothingThatRuns_SurvivesRendering(string markdown) => AssertInert(ArticleMarkdown.ToHtml(markdown));

    [Theory]
    [MemberData(nameof(Attacks))]
    public void NothingThatRuns_SurvivesTheSanitizer_EvenAsRawHtml(string html) => AssertInert(ArticleMarkdown.Sanitize(html));

    /// <summary>Read as a browser reads it: no element that runs or loads code, no handler, no style, no link to a script scheme.</summary>
    private static void AssertInert(string html)
    {
        var document = new AngleSharp.Html.Parser.HtmlParser().ParseDocument("<body>" + html + "</body>");
        foreach (var element in document.Body!.QuerySelectorAll("*"))
        {
            Assert.DoesNotContain(element.LocalName, new[] { "script", "iframe", "svg", "math", "form", "object", "embed", "style", "meta", "base", "link" });
            foreach (var attribute in element.Attributes)
            {
                Assert.False(attribute.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase), $"{element.LocalName} has {attribute.Name}");
                Assert.NotEqual("style", attribute.Name);
                if (attribute.Name is "href" or "src")
                    Assert.Matches("^((https?|mailto):|(?![a-z][a-z0-9+.-]*:))", attribute.Value.Trim().ToLowerInvariant()); // a safe scheme, or a relative address
            }
        }
    }

    [Fact]
    public void TheSameRules_CleanHtmlFromElsewhere()
    {
        var html = ArticleMarkdown.Sanitize("<p onclick=\"x()\">Hi <a href=\"javascript:x()\">there</a><script>x()</script></p>");
        Assert.DoesNotContain("onclick", html);
        Assert.DoesNotContain("javascript", html);
        Assert.DoesNotContain("<script", html);
        Assert.Contains("Hi", html);
    }

    [Fact]
    public void Markdown_KeepsItsUsefulParts_AndLinksOpenSafely()
    {
        var html = ArticleMarkdown.ToHtml("# Connect to the VPN\n\n1. Open **GlobalProtect**\n2. Type `vpn.acme.example`\n\n| Site | Gateway |\n|---|---|\n| London | gw1 |\n\nSee [the guide](https://intranet.example/vpn) or mail <help@acme.example>.\n\n- [x] done");
        Assert.Contains("<h1", html);
        Assert.Contains("<strong>GlobalProtect</strong>", html);
        Assert.Contains("<code>vpn.acme.example</code>", html);
        Assert.Contains("<table>", html);
        Assert.Contains("href=\"https://intranet.example/vpn\"", html);
        Assert.Contains("rel=\"noopener noreferrer nofollow\"", html);
        Assert.Contains("mailto:help@acme.example", html);
        Assert.Contains("type=\"checkbox\"", html);
    }

    [Fact]
    public void TypedHtml_ShowsAsText_NotAsMarkup()
    {
        var html = ArticleMarkdown.ToHtml("Press <b>Enter</b>");
        Assert.Contains("&lt;b&gt;Enter&lt;/b&gt;", html);
    }

    [Fact]
    public void ThePlainText_IsWhatSearchReads()
    {
        Assert.Equal("Connect Open GlobalProtect and sign in.", ArticleMarkdown.ToPlainText("# Connect\n\nOpen **GlobalProtect** and [sign in](https://x.example)."));
    }
}

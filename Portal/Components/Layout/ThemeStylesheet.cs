using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using MudBlazor;

namespace Portal.Components.Layout;

/// <summary>
/// The desk's MudBlazor theme as a plain stylesheet (/theme.css), rendered once per process. Pages with nothing to
/// click (the wallboard) use it instead of a MudThemeProvider in their circuit, which would hold the same CSS again
/// for every open board.
/// </summary>
public static class ThemeStylesheet
{
    public const string Path = "/theme.css";
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _css;

    public static async Task<string> GetAsync(IServiceProvider services)
    {
        if (_css is not null)
            return _css;
        await Gate.WaitAsync();
        try
        {
            if (_css is not null)
                return _css;
            await using var scope = services.CreateAsyncScope();
            await using var renderer = new HtmlRenderer(scope.ServiceProvider, scope.ServiceProvider.GetRequiredService<ILoggerFactory>());
            var html = await renderer.Dispatcher.InvokeAsync(async () =>
            {
                var output = await renderer.RenderComponentAsync<MudThemeProvider>(ParameterView.FromDictionary(
                    new Dictionary<string, object?> { [nameof(MudThemeProvider.Theme)] = DeskTheme.Theme }));
                return output.ToHtmlString();
            });
            var styles = System.Text.RegularExpressions.Regex.Matches(html, "<style[^>]*>(.*?)</style>", System.Text.RegularExpressions.RegexOptions.Singleline)
                .Select(m => m.Groups[1].Value);
            _css = string.Join("\n", styles);
            return _css;
        }
        finally
        {
            Gate.Release();
        }
    }
}

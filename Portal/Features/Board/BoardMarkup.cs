using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Components;
using Portal.Components.Shared;
using Portal.Core.Reporting;
using Portal.Core.Sla;

namespace Portal.Features.Board;

/// <summary>What a click on a board row's button asks for (see wwwroot/Portal.lib.module.js).</summary>
public sealed class BoardActionEventArgs : EventArgs
{
    public string Action { get; set; } = "";
    public int TicketId { get; set; }
}

[EventHandler("onboardaction", typeof(BoardActionEventArgs), enableStopPropagation: true, enablePreventDefault: true)]
// Razor finds custom event names on a class called EventHandlers.
public static class EventHandlers
{
}

/// <summary>
/// The board's rows as HTML strings. A row written as markup is one render-tree frame instead of some forty, which is
/// most of what each open board keeps in server memory; every value is HTML-encoded. Boards of the same departments
/// share one reading (BoardService.GetSharedAsync), so the strings are made once per reading and shared by every open
/// board that shows it, and let go with the reading.
/// </summary>
public static class BoardMarkup
{
    private static readonly ConditionalWeakTable<BoardTicket, string>[] Rows = [new(), new()];
    private static readonly ConditionalWeakTable<IReadOnlyList<BoardCount>, string>[] Panels = [new(), new()];
    private static readonly ConditionalWeakTable<IReadOnlyList<AgentLoad>, string> Loads = new();

    private static string E(string? text) => HtmlEncoder.Default.Encode(text ?? "");

    public static MarkupString TicketRow(BoardTicket t, DateTime at, bool wall) =>
        new(Rows[wall ? 1 : 0].GetValue(t, row => BuildTicketRow(row, at, wall)));

    /// <summary>An empty list may be one shared instance for every panel, so only lists with rows are remembered.</summary>
    public static MarkupString Panel(string title, IReadOnlyList<BoardCount> counts, int rows, bool wall) =>
        new(counts.Count == 0 ? BuildPanel(title, counts, rows) : Panels[wall ? 1 : 0].GetValue(counts, c => BuildPanel(title, c, rows)));

    public static MarkupString Workload(IReadOnlyList<AgentLoad> agents) =>
        new(agents.Count == 0 ? BuildWorkload(agents) : Loads.GetValue(agents, BuildWorkload));

    /// <summary>
    /// One ticket row. It does not carry the render instant (the table does), so a row whose ticket did not change is
    /// the same string as before, and a change elsewhere on the board sends nothing for it.
    /// </summary>
    private static string BuildTicketRow(BoardTicket t, DateTime at, bool wall)
    {
        var html = new StringBuilder(640);
        html.Append("<tr><td><a href=\"/tickets/").Append(t.Id).Append("\"><b>").Append(E(t.Key)).Append("</b> ").Append(E(t.Title)).Append("</a>");
        if (t.EscalationLevel > 0)
            html.Append("<span class=\"board-level\">L").Append(t.EscalationLevel).Append("</span>");
        html.Append("</td><td>").Append(E(t.DepartmentName)).Append("</td><td>").Append(E(SlaMetrics.Display(t.Metric))).Append("</td>")
            .Append("<td><span class=\"board-due ").Append(t.Breached ? "board-due-breached" : "board-due-risk").Append("\">")
            .Append("<span class=\"sla-live\" data-due=\"").Append(Times.Iso(t.DueAt)).Append("\"></span>")
            .Append("<span class=\"sla-server\">").Append(E(t.Breached ? Times.Span(at - t.DueAt) + " late" : Times.Span(t.DueAt - at) + " left"))
            .Append("</span></span></td><td>").Append(E(t.TeamName)).Append("</td><td><span>").Append(E(t.AssigneeName ?? "Unassigned")).Append("</span>");
        if (!wall)
        {
            html.Append("<button type=\"button\" class=\"board-reassign\" title=\"Reassign ").Append(E(t.Key))
                .Append("\" data-testid=\"board-reassign\" data-board-action=\"reassign\" data-ticket=\"").Append(t.Id).Append("\">Reassign</button>");
        }

        return html.Append("</td></tr>").ToString();
    }

    private static string BuildPanel(string title, IReadOnlyList<BoardCount> counts, int rows)
    {
        var html = new StringBuilder(1024);
        html.Append("<div class=\"mud-paper mud-elevation-1 pa-3\"><div class=\"d-flex align-center\"><b>").Append(E(title))
            .Append("</b><span class=\"flex-grow-1\"></span><span class=\"board-breached\" style=\"font-size: .75rem\">breached</span>")
            .Append("<span class=\"board-risk ml-2\" style=\"font-size: .75rem\">at risk</span></div>");
        foreach (var c in counts.Take(rows))
        {
            html.Append("<div class=\"d-flex align-center py-1\"><span>").Append(E(c.Name)).Append("</span><span class=\"flex-grow-1\"></span>")
                .Append("<span class=\"board-breached\">").Append(c.Breached.ToString(CultureInfo.InvariantCulture)).Append("</span>")
                .Append("<span class=\"board-risk ml-3\">").Append(c.AtRisk.ToString(CultureInfo.InvariantCulture)).Append("</span></div>");
        }

        if (counts.Count == 0)
            html.Append("<span class=\"muted\">Nothing at risk.</span>");
        return html.Append("</div>").ToString();
    }

    private static string BuildWorkload(IReadOnlyList<AgentLoad> agents)
    {
        var html = new StringBuilder(2048);
        html.Append("<table class=\"board-table mud-elevation-1\" data-testid=\"workload\"><thead><tr><th>Agent</th><th>Teams</th><th>Open</th>")
            .Append("<th>At risk</th><th>Breached</th><th>Status</th></tr></thead><tbody>");
        foreach (var a in agents)
        {
            html.Append("<tr><td>").Append(E(a.Name)).Append("</td><td class=\"muted\">").Append(E(a.Teams)).Append("</td><td>").Append(a.Open)
                .Append("</td><td class=\"board-risk\" style=\"text-align: left\">").Append(a.AtRisk)
                .Append("</td><td class=\"board-breached\" style=\"text-align: left\">").Append(a.Breached)
                .Append("</td><td>").Append(a.Away ? "Away" : "Available").Append("</td></tr>");
        }

        return html.Append("</tbody></table>").ToString();
    }
}

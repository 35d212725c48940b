using System.Globalization;
using Portal.Core.Handling;
using Portal.Core.Tickets;

namespace Portal.Features.Queues;

/// <summary>
/// What a queue shows: its filter, sort and page, as the address carries them (?q=vpn&amp;status=New,Open&amp;sort=Priority&amp;dir=asc&amp;page=2),
/// so a view is shareable, survives a reload and comes back with the browser's Back. Defaults are left out of the address.
/// </summary>
public sealed record QueueView(QueueFilter Filter, QueueSort Sort = QueueSort.Updated, bool Descending = true, int Page = 1, int PageSize = 25)
{
    public static readonly int[] PageSizes = [25, 50, 100];

    /// <summary>The view an address asks for; anything it does not understand is left at its default.</summary>
    public static QueueView From(string? q, string? status, bool? closed, string? priority, int? category, string? assignee, int? team, string? tag,
        string? sort, string? dir, int? page, int? size)
    {
        var statuses = (status ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => Enum.TryParse<TicketStatus>(s, true, out var v) && Enum.IsDefined(v) ? v : (TicketStatus?)null)
            .OfType<TicketStatus>().Distinct().ToList();
        var filter = new QueueFilter
        {
            Text = string.IsNullOrWhiteSpace(q) ? null : q,
            Statuses = statuses.Count == 0 ? null : statuses,
            IncludeClosed = closed == true,
            Priority = Enum.TryParse<TicketPriority>(priority, true, out var p) && Enum.IsDefined(p) ? p : null,
            CategoryId = category,
            Assignee = string.IsNullOrWhiteSpace(assignee) ? null : assignee,
            TeamId = team,
            Tag = string.IsNullOrWhiteSpace(tag) ? null : tag,
        };
        var parsedSort = Enum.TryParse<QueueSort>(sort, true, out var s) && Enum.IsDefined(s) ? s : QueueSort.Updated;
        return new QueueView(filter, parsedSort, !string.Equals(dir, "asc", StringComparison.OrdinalIgnoreCase),
            Math.Max(1, page ?? 1), PageSizes.Contains(size ?? 0) ? size!.Value : 25);
    }

    /// <summary>The address's query parameters for this view (null removes one: it is at its default).</summary>
    public IReadOnlyDictionary<string, object?> ToQuery() => new Dictionary<string, object?>
    {
        ["q"] = Filter.Text,
        ["status"] = Filter.Statuses is { Count: > 0 } st ? string.Join(",", st) : null,
        ["closed"] = Filter.IncludeClosed ? "1" : null,
        ["priority"] = Filter.Priority?.ToString(),
        ["category"] = Filter.CategoryId?.ToString(CultureInfo.InvariantCulture),
        ["assignee"] = Filter.Assignee,
        ["team"] = Filter.TeamId?.ToString(CultureInfo.InvariantCulture),
        ["tag"] = Filter.Tag,
        ["sort"] = Sort == QueueSort.Updated ? null : Sort.ToString(),
        ["dir"] = Descending ? null : "asc",
        ["page"] = Page == 1 ? null : Page.ToString(CultureInfo.InvariantCulture),
        ["size"] = PageSize == 25 ? null : PageSize.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The same view sorted by <paramref name="by"/>: the other way round when it already is, else its natural way.</summary>
    public QueueView SortedBy(QueueSort by) => by == Sort
        ? this with { Descending = !Descending, Page = 1 }
        : this with { Sort = by, Descending = by is QueueSort.Updated or QueueSort.Created or QueueSort.Priority, Page = 1 };
}

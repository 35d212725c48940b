using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Persistence;
using Portal.Core.Security;
using Portal.Core.Tickets;

namespace Portal.Core.Handling;

/// <summary>
/// Tickets across the departments a reader may see, with the queue's filters, a page at a time after a cursor. The
/// order is by last change (then id), oldest first or newest first: a ticket changed while someone pages moves to
/// the end (oldest first), so a client that follows the cursors misses no change and never sees a row twice in a pass.
/// </summary>
public sealed record TicketListQuery(
    int? DepartmentId = null,
    IReadOnlyCollection<TicketStatus>? Statuses = null,
    TicketPriority? Priority = null,
    int? CategoryId = null,
    string? AssigneeId = null,
    bool UnassignedOnly = false,
    int? TeamId = null,
    string? RequesterEmail = null,
    DateTime? UpdatedSince = null,
    string? Text = null,
    bool NewestFirst = false,
    string? Cursor = null,
    int Limit = 25);

/// <summary>A page of a list; <see cref="NextCursor"/> is null on the last page.</summary>
public sealed record CursorPage<T>(IReadOnlyList<T> Items, string? NextCursor);

public sealed class TicketList(IDbContextFactory<DeskDbContext> dbFactory)
{
    public const int MaxLimit = 100;

    public async Task<CursorPage<TicketSummary>> ListAsync(Actor actor, TicketListQuery q, CancellationToken ct = default)
    {
        var errors = new ValidationErrors();
        if (q.Limit is < 1 or > MaxLimit)
            errors.Add("limit", $"limit: from 1 to {MaxLimit}.");
        (DateTime At, int Id)? after = null;
        if (!string.IsNullOrEmpty(q.Cursor))
        {
            after = ReadCursor(q.Cursor);
            if (after is null)
                errors.Add("cursor", "cursor: not a cursor this list gave out; start again without one.");
        }

        errors.ThrowIfAny();
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var query = db.Tickets.AsNoTracking().Where(TicketAccess.Visible(actor));
        if (q.DepartmentId is { } department)
            query = query.Where(t => t.DepartmentId == department);
        if (q.Statuses is { Count: > 0 } statuses)
            query = query.Where(t => statuses.Contains(t.Status));
        if (q.Priority is { } priority)
            query = query.Where(t => t.Priority == priority);
        if (q.CategoryId is { } category)
            query = query.Where(t => t.CategoryId == category);
        if (q.UnassignedOnly)
            query = query.Where(t => t.AssigneeId == null);
        else if (q.AssigneeId is { } assignee)
            query = query.Where(t => t.AssigneeId == assignee);
        if (q.TeamId is { } team)
            query = query.Where(t => t.TeamId == team);
        if (!string.IsNullOrWhiteSpace(q.RequesterEmail))
        {
            var normalized = q.RequesterEmail.Trim().ToUpperInvariant();
            query = query.Where(t => t.Requester!.NormalizedEmail == normalized);
        }

        if (q.UpdatedSince is { } since)
            query = query.Where(t => t.UpdatedAt >= since);
        if (!string.IsNullOrWhiteSpace(q.Text))
        {
            var text = q.Text.Trim();
            var key = text.ToUpperInvariant();
            var lowered = text.ToLowerInvariant();
            query = query.Where(t => t.Key == key || t.Title.ToLower().Contains(lowered));
        }

        if (after is { } last)
        {
            var (at, id) = last;
            query = q.NewestFirst
                ? query.Where(t => t.UpdatedAt < at || (t.UpdatedAt == at && t.Id < id))
                : query.Where(t => t.UpdatedAt > at || (t.UpdatedAt == at && t.Id > id));
        }
        var ordered = q.NewestFirst
            ? query.OrderByDescending(t => t.UpdatedAt).ThenByDescending(t => t.Id)
            : query.OrderBy(t => t.UpdatedAt).ThenBy(t => t.Id);
        var items = await TicketQueries.Summaries(ordered.Take(q.Limit + 1)).ToListAsync(ct);
        var more = items.Count > q.Limit;
        if (more)
            items.RemoveAt(items.Count - 1);
        var next = more ? WriteCursor(items[^1].UpdatedAt, items[^1].Id) : null;
        return new CursorPage<TicketSummary>(await TicketQueries.WithSlaAsync(db, items, ct), next);
    }

    /// <summary>The last row's change instant and id, opaque to clients.</summary>
    internal static string WriteCursor(DateTime at, int id) =>
        Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{at.Ticks}.{id}")))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    internal static (DateTime At, int Id)? ReadCursor(string cursor)
    {
        try
        {
            var padded = cursor.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - padded.Length % 4) % 4);
            var parts = System.Text.Encoding.ASCII.GetString(Convert.FromBase64String(padded)).Split('.');
            return parts.Length == 2 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                   && ticks >= DateTime.MinValue.Ticks && ticks <= DateTime.MaxValue.Ticks
                   && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                ? (new DateTime(ticks, DateTimeKind.Utc), id)
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

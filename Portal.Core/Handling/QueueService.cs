using Portal.Core.Tickets;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Persistence;
using Portal.Core.Security;

namespace Portal.Core.Handling;

/// <summary>A department's queue: paged, filtered and sorted in the database.</summary>
public sealed class QueueService(IDbContextFactory<DeskDbContext> dbFactory)
{
    public const int MaxPageSize = 100;

    /// <summary>
    /// A ticket number ("IT-1042" or "#1042") finds that ticket through the unique index; other text is looked for
    /// in titles (and, when it is all digits, in numbers too), lower-cased on both sides so that the search is
    /// case-insensitive on SQLite and PostgreSQL alike.
    /// </summary>
    internal static IQueryable<Ticket> ApplyText(IQueryable<Ticket> query, string text, string departmentCode)
    {
        var dash = text.LastIndexOf('-');
        if (text.StartsWith('#') && int.TryParse(text[1..], out var hashNumber))
            return query.Where(t => t.Number == hashNumber);
        if (dash > 0 && int.TryParse(text[(dash + 1)..], out var keyNumber)
            && string.Equals(text[..dash], departmentCode, StringComparison.OrdinalIgnoreCase))
            return query.Where(t => t.Number == keyNumber);
        var lowered = text.ToLowerInvariant();
        return int.TryParse(text, out var number)
            ? query.Where(t => t.Number == number || t.Title.ToLower().Contains(lowered))
            : query.Where(t => t.Title.ToLower().Contains(lowered));
    }

    public async Task<PagedResult<TicketSummary>> QueryAsync(Actor actor, QueueQuery q, CancellationToken ct = default)
    {
        if (!actor.CanWorkIn(q.DepartmentId))
            throw new DeskForbiddenException("You are not an agent or supervisor of this department.");
        var page = Math.Max(1, q.Page);
        var pageSize = Math.Clamp(q.PageSize, 1, MaxPageSize);

        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var query = db.Tickets.AsNoTracking().Where(t => t.DepartmentId == q.DepartmentId);
        if (q.Statuses is { Count: > 0 } statuses)
            query = query.Where(t => statuses.Contains(t.Status));
        if (q.Priority is { } priority)
            query = query.Where(t => t.Priority == priority);
        if (q.CategoryId is { } categoryId)
            query = query.Where(t => t.CategoryId == categoryId);
        if (q.UnassignedOnly)
            query = query.Where(t => t.AssigneeId == null);
        else if (q.AssigneeId is { } assigneeId)
            query = query.Where(t => t.AssigneeId == assigneeId);
        if (q.TeamId is { } teamId)
            query = query.Where(t => t.TeamId == teamId);
        if (TagRules.Normalize(q.Tag) is { } tag)
            query = query.Where(t => t.Tags.Any(x => x.Tag == tag));
        if (!string.IsNullOrWhiteSpace(q.Text))
        {
            var code = await db.Departments.Where(d => d.Id == q.DepartmentId).Select(d => d.Code).FirstOrDefaultAsync(ct) ?? "";
            query = ApplyText(query, q.Text.Trim(), code);
        }

        var total = await query.CountAsync(ct);
        var ordered = (q.Sort, q.Descending) switch
        {
            (QueueSort.Created, false) => query.OrderBy(t => t.CreatedAt).ThenBy(t => t.Id),
            (QueueSort.Created, true) => query.OrderByDescending(t => t.CreatedAt).ThenByDescending(t => t.Id),
            (QueueSort.Number, false) => query.OrderBy(t => t.Number),
            (QueueSort.Number, true) => query.OrderByDescending(t => t.Number),
            (QueueSort.Priority, false) => query.OrderBy(t => t.Priority).ThenBy(t => t.UpdatedAt),
            (QueueSort.Priority, true) => query.OrderByDescending(t => t.Priority).ThenByDescending(t => t.UpdatedAt),
            (QueueSort.Status, false) => query.OrderBy(t => t.Status).ThenByDescending(t => t.UpdatedAt),
            (QueueSort.Status, true) => query.OrderByDescending(t => t.Status).ThenByDescending(t => t.UpdatedAt),
            (QueueSort.Title, false) => query.OrderBy(t => t.Title).ThenBy(t => t.Id),
            (QueueSort.Title, true) => query.OrderByDescending(t => t.Title).ThenBy(t => t.Id),
            (QueueSort.Due, false) => query.OrderBy(t => t.SlaDueAt == null).ThenBy(t => t.SlaDueAt).ThenBy(t => t.Id),
            (QueueSort.Due, true) => query.OrderBy(t => t.SlaDueAt == null).ThenByDescending(t => t.SlaDueAt).ThenBy(t => t.Id),
            (_, false) => query.OrderBy(t => t.UpdatedAt).ThenBy(t => t.Id),
            _ => query.OrderByDescending(t => t.UpdatedAt).ThenByDescending(t => t.Id),
        };
        var items = await TicketQueries.Summaries(ordered.Skip((page - 1) * pageSize).Take(pageSize)).ToListAsync(ct);
        return new PagedResult<TicketSummary>(await TicketQueries.WithSlaAsync(db, items, ct), total, page, pageSize);
    }
}

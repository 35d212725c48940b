using Microsoft.EntityFrameworkCore;
using Portal.Core.Approvals;
using Portal.Core.Persistence;
using Portal.Core.Security;

namespace Portal.Core.Reporting;

/// <summary>The decisions of one step (by its name) or one approver in a period.</summary>
/// <param name="Median">The median time from the step's start to the decision (wall-clock time).</param>
public sealed record ApprovalRow(string Name, int Decided, int Approved, int Rejected, int Automatic, TimeSpan? Median, TimeSpan? Longest)
{
    /// <summary>The share of decisions that were rejections, 0 to 1; null without decisions.</summary>
    public double? RejectedShare => Decided == 0 ? null : (double)Rejected / Decided;
}

/// <summary>A request waiting for a decision now.</summary>
public sealed record WaitingApproval(int TicketId, string Key, string Title, string Step, string Waiting, DateTime StartedAt, DateTime? DueAt);

/// <summary>Approvals for the reader's departments: what waits now, and the steps decided in the period.</summary>
public sealed record ApprovalSummary(int Pending, int Overdue, ApprovalRow All, IReadOnlyList<ApprovalRow> ByStep, IReadOnlyList<ApprovalRow> ByApprover,
    IReadOnlyList<WaitingApproval> Waiting);

/// <summary>
/// The approvals report: pending now (and past their time limit), time to approve by step and by approver, the rejected
/// share; for the departments the reader may read figures of (the same rule as every report). A step counts in the period
/// it was decided in; an approver's row counts their own decisions (a delegate's for someone away count for whom they decided).
/// </summary>
public sealed class ApprovalReport(IDbContextFactory<DeskDbContext> dbFactory, ReportFacts facts, TimeProvider clock)
{
    public const int WaitingShown = 50;

    public async Task<ApprovalSummary> LoadAsync(Actor actor, IReadOnlyCollection<int>? departmentIds, DateTime from, DateTime to,
        CancellationToken ct = default)
    {
        var departments = await facts.VisibleDepartmentsAsync(actor, departmentIds, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var ofDepartments = db.TicketApprovals.Where(a => departments.Contains(a.Ticket!.DepartmentId));

        var pending = ofDepartments.Where(a => a.State == ApprovalState.Pending);
        var pendingCount = await pending.CountAsync(ct);
        var overdue = await pending.CountAsync(a => a.DueAt != null && a.DueAt <= now, ct);
        var waitingRows = await pending.OrderBy(a => a.StartedAt).Take(WaitingShown)
            .Select(a => new
            {
                a.TicketId, a.Ticket!.Key, a.Ticket.Title, a.Name, StartedAt = a.StartedAt ?? now, a.DueAt,
                Who = a.Approvers.Where(p => p.Approved == null).Select(p => db.Users.Where(u => u.Id == p.UserId).Select(u => u.DisplayName).First()).ToList(),
            }).ToListAsync(ct);

        var decided = await ofDepartments.Where(a => a.DecidedAt >= from && a.DecidedAt < to && (a.State == ApprovalState.Approved || a.State == ApprovalState.Rejected))
            .Select(a => new { a.Name, a.State, a.StartedAt, DecidedAt = a.DecidedAt!.Value, a.DecidedAutomatically }).ToListAsync(ct);
        var decisions = await db.TicketApprovers
            .Where(p => p.Approved != null && p.DecidedAt >= from && p.DecidedAt < to
                && db.TicketApprovals.Any(a => a.Id == p.ApprovalId && departments.Contains(a.Ticket!.DepartmentId)))
            .Select(p => new
            {
                Name = db.Users.Where(u => u.Id == p.UserId).Select(u => u.DisplayName).First(), Approved = p.Approved!.Value,
                DecidedAt = p.DecidedAt!.Value, StartedAt = db.TicketApprovals.Where(a => a.Id == p.ApprovalId).Select(a => a.StartedAt).First(),
            }).ToListAsync(ct);

        ApprovalRow Row(string name, IEnumerable<(bool Approved, bool Automatic, TimeSpan Took)> items)
        {
            var list = items.ToList();
            var times = list.Select(i => i.Took).Order().ToList();
            return new ApprovalRow(name, list.Count, list.Count(i => i.Approved), list.Count(i => !i.Approved), list.Count(i => i.Automatic),
                times.Count == 0 ? null : Median(times), times.Count == 0 ? null : times[^1]);
        }

        var steps = decided.Select(d => (d.Name, Item: (d.State == ApprovalState.Approved, d.DecidedAutomatically, d.DecidedAt - (d.StartedAt ?? d.DecidedAt)))).ToList();
        return new ApprovalSummary(pendingCount, overdue, Row("All steps", steps.Select(s => s.Item)),
            steps.GroupBy(s => s.Name).Select(g => Row(g.Key, g.Select(s => s.Item))).OrderByDescending(r => r.Decided).ThenBy(r => r.Name).ToList(),
            decisions.GroupBy(d => d.Name).Select(g => Row(g.Key, g.Select(d => (d.Approved, false, d.DecidedAt - (d.StartedAt ?? d.DecidedAt)))))
                .OrderByDescending(r => r.Decided).ThenBy(r => r.Name).ToList(),
            waitingRows.Select(w => new WaitingApproval(w.TicketId, w.Key, w.Title, w.Name, w.Who.Count == 0 ? "nobody" : string.Join(", ", w.Who.Order()),
                w.StartedAt, w.DueAt)).ToList());
    }

    private static TimeSpan Median(List<TimeSpan> sorted) =>
        sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
}

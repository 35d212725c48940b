using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Portal.Core.Persistence;
using Portal.Core.Tickets;
using Portal.Core.Sla;

namespace Portal.Core.Sla;

/// <summary>One target of a ticket as people see it.</summary>
public sealed record SlaTargetView(SlaMetric Metric, SlaState State, TimeSpan Target, TimeSpan Elapsed, DateTime? DueAt,
    DateTime? StoppedAt, DateTime? BreachedAt, string? Warning)
{
    /// <summary>The state at <paramref name="now"/>: a running target whose due instant has passed is breached.</summary>
    public SlaState StateAt(DateTime now) =>
        State is SlaState.Running or SlaState.Warning && DueAt is { } due && now > due ? SlaState.Breached : State;
}

/// <summary>
/// Keeps each ticket's SLA state: matches the policy, runs the engine over the ticket's history and stores the
/// result, in the transaction of the change that moved it. Also recomputes in bulk after policy edits and when a
/// ticket's next change instant has passed.
/// </summary>
public sealed class SlaService(IDbContextFactory<DeskDbContext> dbFactory, SlaConfiguration catalog, TimeProvider clock,
    ILogger<SlaService> log)
{
    public const int BatchSize = 500;

    /// <summary>One entry of a ticket's history as the SLA reads it.</summary>
    public sealed record HistoryItem(TicketEventKind Kind, DateTime At, bool ByAgent, bool IsPublic, TicketStatus? NewStatus,
        TicketPriority? OldPriority, TicketPriority? NewPriority);

    /// <summary>What one recompute found: the policy, the outcome and the escalation levels with a trigger instant.</summary>
    public sealed record Evaluation(CompiledPolicy Policy, SlaOutcome Outcome, long At, IReadOnlyList<Sla.PlannedLevel> Levels);

    /// <summary>Everything a recompute reads about one ticket, loaded once (for one ticket, or for a whole batch).</summary>
    public sealed class TicketData(Ticket ticket, string tags, Dictionary<int, string> fields, List<TicketSlaState> stored,
        List<HistoryItem> history, HashSet<(int LevelId, int Cycle)> fired)
    {
        public Ticket Ticket { get; } = ticket;
        public string Tags { get; } = tags;
        public Dictionary<int, string> Fields { get; } = fields;
        public List<TicketSlaState> Stored { get; } = stored;
        public List<HistoryItem> History { get; } = history;
        public HashSet<(int LevelId, int Cycle)> Fired { get; } = fired;
    }

    /// <summary>
    /// Recomputes one ticket inside the caller's unit of work; the caller saves. <paramref name="writtenHere"/>: the ticket
    /// was first written in this unit of work (a filing), so everything the recompute reads is tracked by it already (its
    /// fields and history; no stored targets or firings yet) and the database is not asked again.
    /// </summary>
    public async Task<Evaluation?> ApplyAsync(DeskDbContext db, Ticket ticket, CancellationToken ct = default, bool writtenHere = false)
    {
        var data = writtenHere ? await InHandAsync(db, ticket, ct) : (await PrefetchAsync(db, [ticket], ct))[ticket.Id];
        return Apply(db, data, await catalog.GetAsync(ct), await catalog.GetPathsAsync(ct));
    }

    /// <summary>What <see cref="PrefetchAsync"/> reads, for a ticket whose every row this unit of work wrote: from its change tracker.</summary>
    private static async Task<TicketData> InHandAsync(DeskDbContext db, Ticket ticket, CancellationToken ct)
    {
        var id = ticket.Id;
        var tags = await db.Users.Where(u => u.Id == ticket.RequesterId).Select(u => u.Tags).FirstOrDefaultAsync(ct) ?? "";
        static bool Present(EntityState state) => state is not (EntityState.Deleted or EntityState.Detached);
        var fields = db.ChangeTracker.Entries<TicketFieldValue>().Where(e => e.Entity.TicketId == id && Present(e.State))
            .ToDictionary(e => e.Entity.FieldId, e => e.Entity.Value);
        var events = db.ChangeTracker.Entries<TicketEvent>().Where(e => e.Entity.TicketId == id && Present(e.State)).ToList();
        // Saved entries in the order of their ids, then the unsaved ones in the order they were added (as a prefetch reads them).
        var history = events.Where(e => e.State != EntityState.Added).Select(e => e.Entity).OrderBy(e => e.Id)
            .Concat(UnsavedState.Events(db, [id]))
            .Select(e => new HistoryItem(e.Kind, e.At, e.ByAgent, e.IsPublic, e.NewStatus, e.OldPriority, e.NewPriority)).ToList();
        var stored = db.ChangeTracker.Entries<TicketSlaState>().Where(e => e.Entity.TicketId == id && Present(e.State)).Select(e => e.Entity).ToList();
        var fired = db.ChangeTracker.Entries<EscalationFiring>().Where(e => e.Entity.TicketId == id && Present(e.State))
            .Select(e => (e.Entity.LevelId, e.Entity.Cycle)).ToHashSet();
        return new TicketData(ticket, tags, fields, stored, history, fired);
    }

    /// <summary>Loads what a recompute reads for several tickets in a handful of queries (not a handful per ticket).</summary>
    public async Task<Dictionary<int, TicketData>> PrefetchAsync(DeskDbContext db, IReadOnlyList<Ticket> tickets, CancellationToken ct = default)
    {
        var ids = tickets.Select(t => t.Id).ToList();
        var requesterIds = tickets.Select(t => t.RequesterId).Distinct().ToList();
        var tags = await db.Users.Where(u => requesterIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Tags, ct);
        // The unit of work's own changes count as made (the pipeline evaluates the SLA before its one save).
        var fields = await UnsavedState.FieldValuesAsync(db, ids, ct);
        var stored = (await db.TicketSlaStates.Where(s => ids.Contains(s.TicketId)).ToListAsync(ct)).ToLookup(s => s.TicketId);
        var history = (await db.TicketEvents.Where(e => ids.Contains(e.TicketId)).OrderBy(e => e.Id)
                .Select(e => new { e.TicketId, Item = new HistoryItem(e.Kind, e.At, e.ByAgent, e.IsPublic, e.NewStatus, e.OldPriority, e.NewPriority) }).ToListAsync(ct))
            .Concat(UnsavedState.Events(db, ids).Select(e => new { e.TicketId, Item = new HistoryItem(e.Kind, e.At, e.ByAgent, e.IsPublic, e.NewStatus, e.OldPriority, e.NewPriority) }))
            .ToLookup(e => e.TicketId, e => e.Item);
        // Levels claimed in this unit of work count as fired (the sweep's pipeline evaluates again before its save).
        var fired = (await db.EscalationFirings.Where(f => ids.Contains(f.TicketId)).Select(f => new { f.TicketId, f.LevelId, f.Cycle }).ToListAsync(ct))
            .Concat(db.ChangeTracker.Entries<EscalationFiring>().Where(e => e.State == EntityState.Added && ids.Contains(e.Entity.TicketId))
                .Select(e => new { e.Entity.TicketId, e.Entity.LevelId, e.Entity.Cycle }))
            .ToLookup(f => f.TicketId, f => (f.LevelId, f.Cycle));
        return tickets.ToDictionary(t => t.Id, t => new TicketData(t, tags.GetValueOrDefault(t.RequesterId) ?? "",
            fields[t.Id].ToDictionary(v => v.FieldId, v => v.Value), stored[t.Id].ToList(), history[t.Id].ToList(), fired[t.Id].ToHashSet()));
    }

    /// <summary>Matches the policy, runs the engine and stores the outcome on the ticket (tracked by <paramref name="db"/>); no query.</summary>
    public Evaluation? Apply(DeskDbContext db, TicketData data, IReadOnlyList<CompiledPolicy> policies, IReadOnlyList<Sla.CompiledPath> allPaths)
    {
        var ticket = data.Ticket;
        var facts = new TicketFacts(ticket.DepartmentId, ticket.CategoryId, ticket.TypeId, ticket.Priority,
            data.Tags.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), data.Fields);
        var policy = SlaConfiguration.Match(policies, facts);
        var stored = data.Stored;
        if (policy is null || data.History.Count == 0)
        {
            db.TicketSlaStates.RemoveRange(stored);
            stored.Clear();
            ticket.SlaPolicyId = null;
            ticket.SlaPolicyVersion = 0;
            ticket.SlaNextChangeAt = null;
            ticket.SlaDueAt = null;
            ticket.NextEscalationAt = null;
            return null;
        }

        var events = Timeline(data.History, ticket.Priority);
        var now = clock.GetUtcNow().UtcDateTime;
        var at = Math.Max(Ticks(now), events[^1].At);
        var outcome = SlaEngine.Evaluate(events, policy.Policy, policy.Calendar, at);

        ticket.SlaPolicyId = policy.Id;
        ticket.SlaPolicyVersion = policy.Version;
        ticket.SlaNextChangeAt = ToDate(outcome.NextChangeAt);
        DateTime? earliest = null;
        foreach (var metric in SlaMetrics.All)
        {
            var m = outcome[metric];
            var row = stored.FirstOrDefault(s => s.Metric == metric);
            if (!m.Reported)
            {
                if (row is not null)
                {
                    db.TicketSlaStates.Remove(row);
                    stored.Remove(row);
                }

                continue;
            }

            if (row is null)
            {
                row = new TicketSlaState { TicketId = ticket.Id, Metric = metric };
                db.TicketSlaStates.Add(row);
                stored.Add(row);
            }

            row.State = m.State;
            row.TargetSeconds = m.Target / TimeSpan.TicksPerSecond;
            row.ElapsedSeconds = m.Elapsed / TimeSpan.TicksPerSecond;
            row.DueAt = ToDate(m.DueAt);
            row.StoppedAt = ToDate(m.StoppedAt);
            row.BreachedAt = ToDate(m.BreachedAt);
            row.Warning = m.WarningIndex >= 0 ? policy.Policy.WarnAt[m.WarningIndex].Text : null;
            if (!m.IsStopped && row.DueAt is { } due && (earliest is null || due < earliest))
                earliest = due;
        }

        ticket.SlaDueAt = earliest;

        var paths = allPaths.Where(p => p.AppliesTo(ticket.DepartmentId, policy.Id)).ToList();
        IReadOnlyList<Sla.PlannedLevel> levels = [];
        ticket.NextEscalationAt = null;
        if (paths.Count > 0)
        {
            levels = Sla.EscalationPlanner.Plan(paths, outcome, events, policy.Policy, policy.Calendar, at, data.Fired);
            if (levels.Count > 0)
                ticket.NextEscalationAt = ToDate(levels.Min(l => l.FireFrom));
        }

        return new Evaluation(policy, outcome, at, levels);
    }

    public async Task<IReadOnlyList<CompiledPolicy>> PoliciesAsync(CancellationToken ct = default) => await catalog.GetAsync(ct);

    public async Task<IReadOnlyList<Sla.CompiledPath>> PathsAsync(CancellationToken ct = default) => await catalog.GetPathsAsync(ct);

    /// <summary>The engine's view of a ticket's history: creation, status and priority changes, public replies.</summary>
    private static SlaEvent[] Timeline(List<HistoryItem> history, TicketPriority current)
    {
        var initial = history.Where(h => h.Kind == TicketEventKind.PriorityChanged).Select(h => h.OldPriority).FirstOrDefault() ?? current;
        var events = new List<SlaEvent>(history.Count);
        var last = long.MinValue;
        foreach (var h in history)
        {
            var at = Math.Max(last, Ticks(h.At));
            last = at;
            switch (h.Kind)
            {
                case TicketEventKind.Created:
                    events.Add(SlaEvent.Created(at, (int)initial, TicketStatus.New));
                    break;
                case TicketEventKind.Reply when h.IsPublic:
                    events.Add(SlaEvent.Reply(at, h.ByAgent ? ReplyAuthor.Agent : ReplyAuthor.Requester, true));
                    break;
                case TicketEventKind.StatusChanged or TicketEventKind.Reopened when h.NewStatus is { } status:
                    events.Add(SlaEvent.StatusTo(at, status));
                    break;
                case TicketEventKind.PriorityChanged when h.NewPriority is { } p:
                    events.Add(SlaEvent.PriorityTo(at, (int)p));
                    break;
            }
        }

        return events.ToArray();
    }

    /// <summary>Recomputes every ticket the filter selects that is not closed, in batches; returns how many.</summary>
    public async Task<int> RecomputeAsync(Func<IQueryable<Ticket>, IQueryable<Ticket>> which, CancellationToken ct = default)
    {
        var count = 0;
        var afterId = 0;
        while (true)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var batch = await which(db.Tickets.Where(t => t.Status != TicketStatus.Closed && t.Id > afterId))
                .OrderBy(t => t.Id).Take(BatchSize).ToListAsync(ct);
            if (batch.Count == 0)
                return count;
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var data = await PrefetchAsync(db, batch, ct);
            var policies = await catalog.GetAsync(ct);
            var paths = await catalog.GetPathsAsync(ct);
            foreach (var ticket in batch)
                Apply(db, data[ticket.Id], policies, paths);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            count += batch.Count;
            afterId = batch[^1].Id;
        }
    }

    /// <summary>The open tickets a recompute after an edit touches.</summary>
    internal static IQueryable<Ticket> InScope(IQueryable<Ticket> tickets, SlaRecompute work)
    {
        var query = tickets.Where(t => t.Status != TicketStatus.Closed);
        if (work.PolicyIds is not null)
        {
            var policies = work.PolicyIdList().Select(id => (int?)id).ToList();
            query = query.Where(t => policies.Contains(t.SlaPolicyId));
        }

        return work.DepartmentId is { } department ? query.Where(t => t.DepartmentId == department) : query;
    }

    /// <summary>How many open tickets a recompute after an edit will touch (the admin's "recomputing N tickets").</summary>
    internal static Task<int> CountAsync(DeskDbContext db, SlaRecompute work, CancellationToken ct) => InScope(db.Tickets, work).CountAsync(ct);

    /// <summary>
    /// Works through the recomputes that admins' edits left, oldest first, a batch per transaction that also records how far
    /// it got, so that a restart, or another node taking the sweep over, carries on where this one stopped. Reads the
    /// configuration as it is now (not a cache up to one interval old). At most <paramref name="maxBatches"/> batches, so
    /// the sweep it runs in goes on to the escalations; returns how many tickets it recomputed.
    /// </summary>
    public async Task<int> ContinueRecomputesAsync(int maxBatches = 20, CancellationToken ct = default, int batchSize = BatchSize)
    {
        var count = 0;
        for (var i = 0; i < maxBatches; i++)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var work = await db.SlaRecomputes.Where(r => r.FinishedAt == null).OrderBy(r => r.Id).FirstOrDefaultAsync(ct);
            if (work is null)
                return count;
            var batch = await InScope(db.Tickets, work).Where(t => t.Id > work.AfterTicketId).OrderBy(t => t.Id).Take(batchSize).ToListAsync(ct);
            if (batch.Count > 0)
            {
                var data = await PrefetchAsync(db, batch, ct);
                var policies = await catalog.GetAsync(ct, fresh: true);
                var paths = await catalog.GetPathsAsync(ct, fresh: true);
                foreach (var ticket in batch)
                    Apply(db, data[ticket.Id], policies, paths);
                work.AfterTicketId = batch[^1].Id;
                work.Recomputed += batch.Count;
            }

            if (batch.Count < batchSize)
                work.FinishedAt = clock.GetUtcNow().UtcDateTime;
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            count += batch.Count;
            if (work.FinishedAt is not null)
                log.LogInformation("Recomputed the SLA of {Count} open tickets after the edit of {Reason}", work.Recomputed, work.Reason);
        }

        return count;
    }

    /// <summary>The ids of up to <paramref name="limit"/> tickets whose next SLA change instant has passed, earliest first.</summary>
    public async Task<IReadOnlyList<int>> DueForChangeAsync(DateTime now, int limit = BatchSize, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Tickets.AsNoTracking().Where(t => t.SlaNextChangeAt != null && t.SlaNextChangeAt <= now)
            .OrderBy(t => t.SlaNextChangeAt).ThenBy(t => t.Id).Select(t => t.Id).Take(limit).ToListAsync(ct);
    }

    /// <summary>Brings stored states up to date for tickets whose warning or breach instant has passed.</summary>
    public async Task<int> RefreshDueAsync(CancellationToken ct = default)
    {
        var ids = await DueForChangeAsync(clock.GetUtcNow().UtcDateTime, BatchSize, ct);
        return ids.Count == 0 ? 0 : await RecomputeAsync(q => q.Where(t => ids.Contains(t.Id)), ct);
    }

    public static async Task<Dictionary<int, List<SlaTargetView>>> ViewsAsync(DeskDbContext db, IReadOnlyCollection<int> ticketIds,
        CancellationToken ct = default)
    {
        var rows = await db.TicketSlaStates.AsNoTracking().Where(s => ticketIds.Contains(s.TicketId)).ToListAsync(ct);
        return rows.GroupBy(r => r.TicketId).ToDictionary(g => g.Key, g => g.OrderBy(r => r.Metric).Select(r => new SlaTargetView(r.Metric,
            r.State, TimeSpan.FromSeconds(r.TargetSeconds), TimeSpan.FromSeconds(r.ElapsedSeconds), r.DueAt, r.StoppedAt,
            r.BreachedAt, r.Warning)).ToList());
    }

    private static long Ticks(DateTime utc) => (DateTime.SpecifyKind(utc, DateTimeKind.Utc) - DateTime.UnixEpoch).Ticks;

    private static DateTime? ToDate(long ticks) => ticks == SlaPolicy.None ? null : DateTime.UnixEpoch.AddTicks(ticks);
}

using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Audit;
using Portal.Core.Common;
using Portal.Core.Notifications;
using Portal.Core.Persistence;
using Portal.Core.Security;
using Portal.Core.Users;

namespace Portal.Core.Reporting;

public enum ReportFrequency
{
    /// <summary>Mondays at 06:00 UTC, covering the week before (Monday to Sunday).</summary>
    Weekly,

    /// <summary>The 1st at 06:00 UTC, covering the month before.</summary>
    Monthly,
}

/// <summary>A saved report emailed to chosen people every week or month, through the notification outbox.</summary>
public class ScheduledReport
{
    public int Id { get; set; }
    public string OwnerId { get; set; } = "";
    public string Name { get; set; } = "";
    public Measure Measure { get; set; }
    public Dimension? By { get; set; }
    public Granularity? Trend { get; set; }
    public int? DepartmentId { get; set; }
    public Tickets.TicketPriority? Priority { get; set; }
    public int? TypeId { get; set; }

    /// <summary>The owner's own tickets only.</summary>
    public bool Mine { get; set; }
    public bool Business { get; set; } = true;
    public ReportFrequency Frequency { get; set; }

    /// <summary>The people it is sent to: user ids, comma-separated.</summary>
    public string Recipients { get; set; } = "";

    /// <summary>UTC; when it is sent next.</summary>
    public DateTime NextRunAt { get; set; }
    public DateTime? LastRunAt { get; set; }
    public int Version { get; set; }
}

internal sealed class ScheduledReportConfiguration : IEntityTypeConfiguration<ScheduledReport>
{
    public void Configure(EntityTypeBuilder<ScheduledReport> b)
    {
        b.ToTable("ScheduledReports");
        b.Property(r => r.Name).HasMaxLength(DashboardService.NameMax);
        b.Property(r => r.OwnerId).HasMaxLength(450);
        b.Property(r => r.Measure).HasConversion<string>().HasMaxLength(40);
        b.Property(r => r.By).HasConversion<string>().HasMaxLength(20);
        b.Property(r => r.Trend).HasConversion<string>().HasMaxLength(20);
        b.Property(r => r.Frequency).HasConversion<string>().HasMaxLength(20);
        b.Property(r => r.Version).IsConcurrencyToken();
        b.HasIndex(r => r.NextRunAt);
        b.HasIndex(r => r.OwnerId);
    }
}

public sealed record ScheduledReportInput(int? Id, string Name, ReportRequest Report, ReportFrequency Frequency, IReadOnlyList<string> RecipientIds, int Version);

public sealed record ScheduledReportView(int Id, string Name, ReportRequest Report, ReportFrequency Frequency, IReadOnlyList<string> RecipientIds, IReadOnlyList<string> RecipientNames, DateTime NextRunAt, DateTime? LastRunAt, int Version);

/// <summary>
/// Saved reports sent by email on a schedule. Each run covers the week or month before its instant, is computed with
/// its owner's rights, and is written to the outbox with a key of the report and the period, so a second node, a
/// retry or a catch-up after downtime sends each period once; after downtime only the latest missed period is sent.
/// Recipients must be staff or auditors who may read every department the report covers.
/// </summary>
public sealed class ScheduledReportService(IDbContextFactory<DeskDbContext> dbFactory, ReportService reports, ActorService actors, TimeProvider clock)
{
    public async Task<IReadOnlyList<ScheduledReportView>> ListAsync(Actor actor, CancellationToken ct = default)
    {
        Guard(actor);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var rows = await db.Set<ScheduledReport>().AsNoTracking().Where(r => r.OwnerId == actor.UserId).OrderBy(r => r.Name).ToListAsync(ct);
        var ids = rows.SelectMany(Ids).Distinct().ToList();
        var names = await db.Users.Where(u => ids.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        return rows.Select(r => new ScheduledReportView(r.Id, r.Name, RequestOf(r, null), r.Frequency, Ids(r),
            Ids(r).Select(i => names.GetValueOrDefault(i, "(removed)")).ToList(), r.NextRunAt, r.LastRunAt, r.Version)).ToList();
    }

    /// <summary>Who may be chosen as a recipient: admins, auditors, and the staff of the owner's departments.</summary>
    public async Task<IReadOnlyList<Common.PersonRef>> RecipientChoicesAsync(Actor actor, CancellationToken ct = default)
    {
        Guard(actor);
        var departments = actor.DepartmentIds.ToList();
        const DeskRole staff = DeskRole.Agent | DeskRole.Supervisor;
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        return await db.Users.AsNoTracking()
            .Where(u => u.IsActive && ((u.Roles & (DeskRole.Admin | DeskRole.Auditor)) != 0
                || ((u.Roles & staff) != 0 && u.Departments.Any(d => departments.Contains(d.DepartmentId)))))
            .OrderBy(u => u.DisplayName).Select(u => new Common.PersonRef(u.Id, u.DisplayName)).ToListAsync(ct);
    }

    public async Task<int> SaveAsync(Actor actor, ScheduledReportInput input, CancellationToken ct = default)
    {
        Guard(actor);
        var errors = new ValidationErrors();
        errors.Required("Name", input.Name, "Name");
        errors.MaxLength("Name", input.Name?.Trim(), DashboardService.NameMax, "Name");
        if (input.RecipientIds.Count == 0)
            errors.Add("Recipients", "Choose at least one person to send it to.");
        if (input.Report.DepartmentId is { } dept && !Access.MayReadDepartment(actor, dept))
            errors.Add("DepartmentId", "You may report on your own departments only.");
        var covered = input.Report.DepartmentId is { } d ? new[] { d } : actor.DepartmentIds.ToArray();
        foreach (var id in input.RecipientIds.Distinct())
        {
            var who = await actors.LoadAsync(id, ct);
            if (who is null)
                errors.Add("Recipients", "One of the recipients has no active account.");
            else if (!Access.MayReadReports(who))
                errors.Add("Recipients", $"{who.DisplayName} is not staff: reports go to agents, supervisors, admins and auditors.");
            else if (!Access.ReadsEveryDepartment(who) && (input.Report.DepartmentId is null && Access.ReadsEveryDepartment(actor) || !covered.All(d => Access.MayReadDepartment(who, d))))
                errors.Add("Recipients", $"{who.DisplayName} may not read the figures of every department this report covers.");
        }

        errors.ThrowIfAny();
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        ScheduledReport record;
        if (input.Id is { } existing)
        {
            record = await db.Set<ScheduledReport>().FirstOrDefaultAsync(r => r.Id == existing, ct)
                ?? throw new DeskNotFoundException("That scheduled report does not exist any more.");
            if (record.OwnerId != actor.UserId)
                throw new DeskForbiddenException("Only its owner may change a scheduled report.");
            if (record.Version != input.Version)
                throw new DeskConflictException("This scheduled report was changed elsewhere since you opened it; reload to see that change.");
        }
        else
        {
            record = new ScheduledReport { OwnerId = actor.UserId };
            db.Add(record);
        }

        var frequencyChanged = record.Id == 0 || record.Frequency != input.Frequency;
        var r = input.Report;
        (record.Name, record.Measure, record.By, record.Trend, record.DepartmentId, record.Priority, record.TypeId, record.Mine, record.Business, record.Frequency) =
            (input.Name!.Trim(), r.Measure, r.By, r.Trend, r.DepartmentId, r.Priority, r.TypeId, r.Mine, r.Business, input.Frequency);
        record.Recipients = string.Join(",", input.RecipientIds.Distinct());
        if (frequencyChanged)
            record.NextRunAt = NextRun(input.Frequency, clock.GetUtcNow().UtcDateTime);
        record.Version++;
        await db.SaveChangesAsync(ct);
        return record.Id;
    }

    public async Task DeleteAsync(Actor actor, int id, CancellationToken ct = default)
    {
        Guard(actor);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var record = await db.Set<ScheduledReport>().FirstOrDefaultAsync(r => r.Id == id && r.OwnerId == actor.UserId, ct)
            ?? throw new DeskNotFoundException("That scheduled report does not exist any more.");
        db.Remove(record);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The first run instant after <paramref name="after"/>: the next Monday (or 1st) at 06:00 UTC.</summary>
    public static DateTime NextRun(ReportFrequency f, DateTime after)
    {
        var day = after.Date;
        DateTime candidate;
        if (f == ReportFrequency.Weekly)
        {
            candidate = day.AddDays(((int)DayOfWeek.Monday - (int)day.DayOfWeek + 7) % 7).AddHours(6);
            if (candidate <= after)
                candidate = candidate.AddDays(7);
        }
        else
        {
            candidate = new DateTime(day.Year, day.Month, 1, 6, 0, 0);
            if (candidate <= after)
                candidate = candidate.AddMonths(1);
        }

        return DateTime.SpecifyKind(candidate, DateTimeKind.Utc);
    }

    /// <summary>The period a run at <paramref name="runAt"/> covers: the whole week or month before its day.</summary>
    public static (DateTime From, DateTime To) Covered(ReportFrequency f, DateTime runAt)
    {
        var to = DateTime.SpecifyKind(runAt.Date, DateTimeKind.Utc);
        if (f == ReportFrequency.Weekly)
            return (to.AddDays(-7), to);
        var month = new DateTime(to.Year, to.Month, 1, 0, 0, 0, DateTimeKind.Utc);
        return (month.AddMonths(-1), month);
    }

    /// <summary>Sends every report whose run is due (the latest missed period only) and moves each to its next run.</summary>
    public async Task<int> RunDueAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var read = await dbFactory.CreateDbContextAsync(ct);
        var due = await read.Set<ScheduledReport>().AsNoTracking().Where(r => r.NextRunAt <= now).Select(r => r.Id).ToListAsync(ct);
        var sent = 0;
        foreach (var id in due)
            sent += await RunOneAsync(id, now, ct);
        return sent;
    }

    private async Task<int> RunOneAsync(int id, DateTime now, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Acting = Persistence.AuditActing.Job("scheduled-reports");
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var report = await db.Set<ScheduledReport>().FirstOrDefaultAsync(r => r.Id == id && r.NextRunAt <= now, ct);
        if (report is null)
            return 0; // another node ran it meanwhile
        // The latest run instant that has passed: after downtime, one message for the latest missed period.
        var runAt = report.NextRunAt;
        while (NextRun(report.Frequency, runAt) <= now)
            runAt = NextRun(report.Frequency, runAt);
        var (from, to) = Covered(report.Frequency, runAt);
        var eventKey = $"report:{report.Id}:{from:yyyyMMdd}";
        var owner = await actors.LoadAsync(report.OwnerId, ct);
        string subject, body;
        if (owner is null)
            (subject, body) = ($"{report.Name}: not sent", "The owner of this scheduled report no longer has an account; ask an admin to remove it.");
        else
        {
            try
            {
                (subject, body) = await RenderAsync(owner, report, from, to, ct);
            }
            catch (DeskForbiddenException e)
            {
                (subject, body) = ($"{report.Name}: not sent", e.Message);
            }
        }

        var already = await db.OutboxMessages.Where(m => m.EventKey == eventKey).Select(m => m.Target).ToListAsync(ct);
        var added = 0;
        foreach (var target in Ids(report).Except(already))
        {
            db.OutboxMessages.Add(new OutboxMessage
            {
                Channel = OutboxChannel.Email, EventKey = eventKey, Target = target, Subject = subject, Body = body,
                IdempotencyKey = Guid.NewGuid().ToString("N"), Status = OutboxStatus.Pending, NextAttemptAt = now, CreatedAt = now,
            });
            added++;
        }

        report.LastRunAt = now;
        report.NextRunAt = NextRun(report.Frequency, runAt);
        report.Version++;
        try
        {
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateException)
        {
            return 0; // another node claimed the same run (the outbox key or the version); it sends it
        }

        return added;
    }

    /// <summary>The report as the email's subject and plain-text body: a table of the measure with its period and filters.</summary>
    public async Task<(string Subject, string Body)> RenderAsync(Actor owner, ScheduledReport report, DateTime from, DateTime to, CancellationToken ct = default)
    {
        var result = await reports.RunAsync(owner, RequestOf(report, (from, to)), ct);
        var info = Reports.Info(report.Measure);
        var period = result.PeriodText;
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{report.Name}: {info.Title}, {period} (UTC days).");
        text.AppendLine(info.Explanation);
        text.AppendLine();
        foreach (var line in ReportText.Lines(result.Table, result.NameOf))
            text.AppendLine(line);
        return ($"{report.Name} ({period})", text.ToString());
    }

    /// <summary>The report a schedule sends: its saved measure and filters, over the covered days (or the last 30 days when only shown).</summary>
    private static ReportRequest RequestOf(ScheduledReport r, (DateTime From, DateTime To)? covered) => new(r.Measure,
        covered is null ? Period.Last30Days : null,
        covered is { } c ? DateOnly.FromDateTime(c.From) : null, covered is { } c2 ? DateOnly.FromDateTime(c2.To.AddDays(-1)) : null,
        r.DepartmentId, r.Priority, r.TypeId, r.By, r.Trend, r.Business, r.Mine);

    private static List<string> Ids(ScheduledReport r) => r.Recipients.Split(',', StringSplitOptions.RemoveEmptyEntries).ToList();

    private static void Guard(Actor actor)
    {
        if (!(actor.IsStaff || actor.CanReadAudit))
            throw new DeskForbiddenException("Scheduled reports are for agents, supervisors, admins and auditors.");
    }
}

/// <summary>A report table as lines of text (for email) and as rows of cells (for CSV and XLSX): the same numbers as the screen.</summary>
public static class ReportText
{
    public static IReadOnlyList<string[]> Cells(ReportTable table, Func<string, string> name)
    {
        var info = Reports.Info(table.Measure);
        var header = new List<string> { table.By?.ToString() ?? "" };
        header.AddRange(table.Columns.Select(c => c.Label));
        var rows = new List<string[]> { header.ToArray() };
        foreach (var row in table.Rows.Where(r => !ReferenceEquals(r, table.Total)))
            rows.Add([name(row.Key), .. row.Cells.Select(c => Reports.Format(info.Unit, c.Value))]);
        rows.Add(["All", .. table.Total.Cells.Select(c => Reports.Format(info.Unit, c.Value))]);
        return rows;
    }

    public static IEnumerable<string> Lines(ReportTable table, Func<string, string> name)
    {
        var cells = Cells(table, name);
        var widths = Enumerable.Range(0, cells[0].Length).Select(i => cells.Max(r => r[i].Length)).ToArray();
        return cells.Select(r => string.Join("  ", r.Select((c, i) => i == 0 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))).TrimEnd());
    }
}

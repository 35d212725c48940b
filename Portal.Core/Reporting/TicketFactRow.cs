using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Portal.Core.Sla;
using Portal.Core.Tickets;

namespace Portal.Core.Reporting;

/// <summary>
/// One ticket as the measures see it, kept next to the ticket in the same transaction as every change to it
/// (<see cref="FactWriter"/>): the answer and resolution instants its SLA recorded, how its targets ended, its reopens
/// and escalation level, and who and what it belongs to. Dashboards and reports read these narrow rows through
/// indexes on the instants instead of joining tickets, SLA states and history for every figure.
/// </summary>
public class TicketFactRow
{
    public int TicketId { get; set; }
    public int DepartmentId { get; set; }
    public int? TeamId { get; set; }
    public string? AssigneeId { get; set; }
    public int CategoryId { get; set; }
    public int TypeId { get; set; }
    public TicketPriority Priority { get; set; }
    public TicketStatus Status { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? FirstResponseAt { get; set; }
    public long? FirstResponseBusinessSeconds { get; set; }
    public SlaState? FirstResponseState { get; set; }
    public DateTime? FirstResponseBreachedAt { get; set; }
    public DateTime? ResolvedAt { get; set; }
    public long? ResolutionBusinessSeconds { get; set; }
    public SlaState? ResolutionState { get; set; }
    public DateTime? ResolutionBreachedAt { get; set; }
    public int Reopens { get; set; }
    public int EscalationLevel { get; set; }

    /// <summary>UTC; the earliest due instant of its running targets (for the at-risk list).</summary>
    public DateTime? DueAt { get; set; }
}

/// <summary>UTC instants stored as milliseconds since 1970-01-01.</summary>
internal static class UnixMillis
{
    public static readonly ValueConverter<DateTime, long> Converter = new(v => ToMillis(v), v => FromMillis(v));

    public static readonly ValueConverter<DateTime?, long?> NullableConverter =
        new(v => v.HasValue ? ToMillis(v.Value) : null, v => v.HasValue ? FromMillis(v.Value) : null);

    public static long ToMillis(DateTime v) => (v.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMillisecond;

    public static DateTime FromMillis(long v) => new(DateTime.UnixEpoch.Ticks + v * TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
}

internal sealed class TicketFactRowConfiguration : IEntityTypeConfiguration<TicketFactRow>
{
    public void Configure(EntityTypeBuilder<TicketFactRow> b)
    {
        b.ToTable("TicketFacts");
        b.HasKey(f => f.TicketId);
        b.Property(f => f.TicketId).ValueGeneratedNever();
        b.Property(f => f.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(f => f.Priority).HasConversion<int>();
        b.Property(f => f.FirstResponseState).HasConversion<string>().HasMaxLength(20);
        b.Property(f => f.ResolutionState).HasConversion<string>().HasMaxLength(20);
        b.Property(f => f.AssigneeId).HasMaxLength(450);
        // Instants as whole milliseconds since 1970 (UTC): a dashboard reads tens of thousands of these rows, and an
        // integer is read far faster than a date written as text.
        foreach (var property in b.Metadata.GetProperties().Where(p => p.ClrType == typeof(DateTime) || p.ClrType == typeof(DateTime?)))
            property.SetValueConverter(property.ClrType == typeof(DateTime) ? UnixMillis.Converter : UnixMillis.NullableConverter);
        // A period's figures start from the tickets created, answered, resolved or breached in it, and the open ones.
        b.HasIndex(f => new { f.DepartmentId, f.CreatedAt });
        // Holding the creation instant and business time, these two answer response and resolution times from the index alone.
        b.HasIndex(f => new { f.DepartmentId, f.ResolvedAt, f.CreatedAt, f.ResolutionBusinessSeconds });
        b.HasIndex(f => new { f.DepartmentId, f.FirstResponseAt, f.CreatedAt, f.FirstResponseBusinessSeconds });
        b.HasIndex(f => new { f.DepartmentId, f.AssigneeId });
        // The open tickets (backlog, workload, at risk) read from the index alone: it holds every column, for open tickets only.
        b.HasIndex(f => new
            {
                f.DepartmentId, f.TicketId, f.TeamId, f.AssigneeId, f.CategoryId, f.TypeId, f.Priority, f.CreatedAt, f.FirstResponseAt,
                f.FirstResponseBusinessSeconds, f.FirstResponseState, f.FirstResponseBreachedAt, f.ResolvedAt, f.ResolutionBusinessSeconds,
                f.ResolutionState, f.ResolutionBreachedAt, f.Reopens, f.EscalationLevel, f.Status, f.DueAt,
            })
            .HasDatabaseName("IX_TicketFacts_Open").HasFilter("\"ResolvedAt\" IS NULL");
    }
}

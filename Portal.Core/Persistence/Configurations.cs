using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Departments;
using Portal.Core.Tickets;
using Portal.Core.Users;
using Portal.Core.Sla;

namespace Portal.Core.Persistence;

internal sealed class DeskUserConfiguration : IEntityTypeConfiguration<DeskUser>
{
    public void Configure(EntityTypeBuilder<DeskUser> b)
    {
        b.Property(u => u.DisplayName).HasMaxLength(200);
        b.Property(u => u.Tags).HasMaxLength(500);
        b.Property(u => u.ExternalObjectId).HasMaxLength(100);
        b.HasIndex(u => u.ExternalObjectId);
        b.HasIndex(u => u.DisplayName);
        b.HasOne(u => u.Manager).WithMany().HasForeignKey(u => u.ManagerId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class DepartmentConfiguration : IEntityTypeConfiguration<Department>
{
    public void Configure(EntityTypeBuilder<Department> b)
    {
        b.Property(d => d.Code).HasMaxLength(10);
        b.HasIndex(d => d.Code).IsUnique();
        b.Property(d => d.Name).HasMaxLength(100);
        b.Property(d => d.Description).HasMaxLength(1000);
        b.Property(d => d.NextTicketNumber).IsConcurrencyToken();
        b.HasOne(d => d.Head).WithMany().HasForeignKey(d => d.HeadUserId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class TeamConfiguration : IEntityTypeConfiguration<Team>
{
    public void Configure(EntityTypeBuilder<Team> b)
    {
        b.Property(t => t.Name).HasMaxLength(100);
        b.Property(t => t.AssignmentMode).HasConversion<string>().HasMaxLength(20);
        b.HasIndex(t => new { t.DepartmentId, t.Name }).IsUnique();
        b.HasOne(t => t.Department).WithMany(d => d.Teams).HasForeignKey(t => t.DepartmentId);
    }
}

internal sealed class DepartmentMemberConfiguration : IEntityTypeConfiguration<DepartmentMember>
{
    public void Configure(EntityTypeBuilder<DepartmentMember> b)
    {
        b.HasKey(m => new { m.UserId, m.DepartmentId });
        b.HasOne(m => m.User).WithMany(u => u.Departments).HasForeignKey(m => m.UserId);
        b.HasOne(m => m.Department).WithMany().HasForeignKey(m => m.DepartmentId);
    }
}

internal sealed class TeamMemberConfiguration : IEntityTypeConfiguration<TeamMember>
{
    public void Configure(EntityTypeBuilder<TeamMember> b)
    {
        b.HasKey(m => new { m.UserId, m.TeamId });
        b.HasOne(m => m.User).WithMany(u => u.Teams).HasForeignKey(m => m.UserId);
        b.HasOne(m => m.Team).WithMany(t => t.Members).HasForeignKey(m => m.TeamId);
    }
}

internal sealed class CategoryConfiguration : IEntityTypeConfiguration<Category>
{
    public void Configure(EntityTypeBuilder<Category> b)
    {
        b.Property(c => c.Name).HasMaxLength(100);
        b.Property(c => c.Description).HasMaxLength(1000);
        b.HasIndex(c => new { c.DepartmentId, c.Name }).IsUnique();
        b.HasIndex(c => new { c.DepartmentId, c.Purpose }).IsUnique().HasFilter("\"Purpose\" <> 0");
        b.HasOne(c => c.Department).WithMany(d => d.Categories).HasForeignKey(c => c.DepartmentId);
    }
}

internal sealed class CustomFieldConfiguration : IEntityTypeConfiguration<CustomField>
{
    public void Configure(EntityTypeBuilder<CustomField> b)
    {
        b.Property(f => f.Label).HasMaxLength(100);
        b.Property(f => f.Options).HasMaxLength(4000);
        b.Property(f => f.Kind).HasConversion<string>().HasMaxLength(20);
        b.HasOne(f => f.Category).WithMany(c => c.Fields).HasForeignKey(f => f.CategoryId);
        b.Ignore(f => f.OptionList);
    }
}

internal sealed class TicketTypeConfiguration : IEntityTypeConfiguration<TicketType>
{
    public void Configure(EntityTypeBuilder<TicketType> b)
    {
        b.Property(t => t.Name).HasMaxLength(100);
        b.HasIndex(t => t.Name).IsUnique();
        // One type of each built-in kind; any number of the admin's own.
        b.HasIndex(t => t.Kind).IsUnique().HasFilter("\"Kind\" <> 0");
    }
}

internal sealed class TicketConfiguration : IEntityTypeConfiguration<Ticket>
{
    public void Configure(EntityTypeBuilder<Ticket> b)
    {
        b.Property(t => t.Key).HasMaxLength(20);
        b.Property(t => t.Title).HasMaxLength(TicketLimits.TitleMax);
        b.HasOne<Ticket>().WithMany().HasForeignKey(t => t.ParentId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Ticket>().WithMany().HasForeignKey(t => t.WaitsForId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(t => t.ParentId);
        b.HasIndex(t => t.WaitsForId);
        b.Property(t => t.Description).HasMaxLength(TicketLimits.TextMax);
        b.Property(t => t.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(t => t.Priority).HasConversion<int>();
        b.Property(t => t.Version).IsConcurrencyToken();
        b.HasIndex(t => t.Key).IsUnique();
        b.Property(t => t.MailKey).HasMaxLength(16);
        b.HasIndex(t => t.MailKey).IsUnique();
        b.HasIndex(t => new { t.DepartmentId, t.Number }).IsUnique();
        b.HasIndex(t => new { t.DepartmentId, t.Status, t.UpdatedAt });
        b.HasIndex(t => new { t.DepartmentId, t.UpdatedAt });
        b.HasIndex(t => new { t.UpdatedAt, t.Id }); // the API's list across departments, by last change
        b.HasIndex(t => new { t.DepartmentId, t.AssigneeId });
        b.HasIndex(t => new { t.DepartmentId, t.Title });
        // The sweeps read due tickets in (instant, id) order: with the id in the index, PostgreSQL reads a batch straight
        // from it (SQLite's indexes end with the row id anyway), even when thousands fell due at the same instant.
        b.HasIndex(t => new { t.SlaNextChangeAt, t.Id });
        b.HasIndex(t => new { t.NextEscalationAt, t.Id });
        b.HasIndex(t => new { t.DepartmentId, t.SlaDueAt });
        b.HasOne<Sla.SlaPolicyRecord>().WithMany().HasForeignKey(t => t.SlaPolicyId).OnDelete(DeleteBehavior.SetNull);
        b.HasIndex(t => new { t.RequesterId, t.UpdatedAt });
        b.HasOne(t => t.Department).WithMany().HasForeignKey(t => t.DepartmentId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(t => t.Category).WithMany().HasForeignKey(t => t.CategoryId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(t => t.Type).WithMany().HasForeignKey(t => t.TypeId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(t => t.Requester).WithMany().HasForeignKey(t => t.RequesterId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(t => t.Assignee).WithMany().HasForeignKey(t => t.AssigneeId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne(t => t.Team).WithMany().HasForeignKey(t => t.TeamId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class TicketFieldValueConfiguration : IEntityTypeConfiguration<TicketFieldValue>
{
    public void Configure(EntityTypeBuilder<TicketFieldValue> b)
    {
        b.HasKey(v => new { v.TicketId, v.FieldId });
        b.Property(v => v.Value).HasMaxLength(TicketLimits.FieldValueMax);
        b.HasOne<Ticket>().WithMany(t => t.FieldValues).HasForeignKey(v => v.TicketId);
        b.HasOne(v => v.Field).WithMany().HasForeignKey(v => v.FieldId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class TicketWatcherConfiguration : IEntityTypeConfiguration<TicketWatcher>
{
    public void Configure(EntityTypeBuilder<TicketWatcher> b)
    {
        b.HasKey(w => new { w.TicketId, w.UserId });
        b.HasOne<Ticket>().WithMany(t => t.Watchers).HasForeignKey(w => w.TicketId);
        b.HasOne(w => w.User).WithMany().HasForeignKey(w => w.UserId);
    }
}

internal sealed class TicketTagConfiguration : IEntityTypeConfiguration<TicketTag>
{
    public void Configure(EntityTypeBuilder<TicketTag> b)
    {
        b.HasKey(t => new { t.TicketId, t.Tag });
        b.Property(t => t.Tag).HasMaxLength(TagRules.MaxLength);
        b.HasIndex(t => t.Tag);
        b.HasOne<Ticket>().WithMany(t => t.Tags).HasForeignKey(t => t.TicketId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class TicketEventConfiguration : IEntityTypeConfiguration<TicketEvent>
{
    public void Configure(EntityTypeBuilder<TicketEvent> b)
    {
        b.Property(e => e.Kind).HasConversion<string>().HasMaxLength(30);
        b.Property(e => e.Body).HasMaxLength(TicketLimits.TextMax);
        b.Property(e => e.Subject).HasMaxLength(100);
        b.Property(e => e.OldValue).HasMaxLength(TicketLimits.FieldValueMax);
        b.Property(e => e.NewValue).HasMaxLength(TicketLimits.FieldValueMax);
        b.Property(e => e.OldStatus).HasConversion<string>().HasMaxLength(20);
        b.Property(e => e.NewStatus).HasConversion<string>().HasMaxLength(20);
        b.Property(e => e.OldPriority).HasConversion<int>();
        b.Property(e => e.NewPriority).HasConversion<int>();
        b.HasIndex(e => new { e.TicketId, e.Id });
        b.HasOne<Ticket>().WithMany(t => t.Events).HasForeignKey(e => e.TicketId);
        b.HasOne(e => e.Actor).WithMany().HasForeignKey(e => e.ActorId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class AttachmentConfiguration : IEntityTypeConfiguration<Attachment>
{
    public void Configure(EntityTypeBuilder<Attachment> b)
    {
        b.Property(a => a.FileName).HasMaxLength(255);
        b.Property(a => a.ContentType).HasMaxLength(100);
        b.HasOne<Ticket>().WithMany(t => t.Attachments).HasForeignKey(a => a.TicketId);
        b.HasOne(a => a.Content).WithOne().HasForeignKey<AttachmentContent>(c => c.AttachmentId);
    }
}

internal sealed class AttachmentContentConfiguration : IEntityTypeConfiguration<AttachmentContent>
{
    public void Configure(EntityTypeBuilder<AttachmentContent> b) => b.HasKey(c => c.AttachmentId);
}

internal sealed class SlaCalendarConfiguration : IEntityTypeConfiguration<Sla.SlaCalendarRecord>
{
    public void Configure(EntityTypeBuilder<Sla.SlaCalendarRecord> b)
    {
        b.ToTable("SlaCalendars");
        b.Property(c => c.Name).HasMaxLength(100);
        b.HasIndex(c => c.Name).IsUnique();
        b.Property(c => c.Definition).HasMaxLength(100_000);
        b.Property(c => c.Version).IsConcurrencyToken();
    }
}

internal sealed class SlaPolicyConfiguration : IEntityTypeConfiguration<Sla.SlaPolicyRecord>
{
    public void Configure(EntityTypeBuilder<Sla.SlaPolicyRecord> b)
    {
        b.ToTable("SlaPolicies");
        b.Property(p => p.Name).HasMaxLength(100);
        b.HasIndex(p => p.Name).IsUnique();
        b.Property(p => p.Conditions).HasMaxLength(10_000);
        b.Property(p => p.Targets).HasMaxLength(10_000);
        b.Property(p => p.PauseOn).HasMaxLength(2_000);
        b.Property(p => p.WarnAt).HasMaxLength(500);
        b.Property(p => p.Version).IsConcurrencyToken();
        b.HasOne(p => p.Calendar).WithMany().HasForeignKey(p => p.CalendarId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class TicketSlaStateConfiguration : IEntityTypeConfiguration<Sla.TicketSlaState>
{
    public void Configure(EntityTypeBuilder<Sla.TicketSlaState> b)
    {
        b.HasKey(s => new { s.TicketId, s.Metric });
        b.Property(s => s.Metric).HasConversion<string>().HasMaxLength(20);
        b.Property(s => s.State).HasConversion<string>().HasMaxLength(20);
        b.Property(s => s.Warning).HasMaxLength(20);
        b.HasOne<Ticket>().WithMany().HasForeignKey(s => s.TicketId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class EscalationPathConfiguration : IEntityTypeConfiguration<Sla.EscalationPathRecord>
{
    public void Configure(EntityTypeBuilder<Sla.EscalationPathRecord> b)
    {
        b.ToTable("EscalationPaths");
        b.Property(p => p.Name).HasMaxLength(100);
        b.HasIndex(p => p.Name).IsUnique();
        b.HasMany(p => p.Levels).WithOne().HasForeignKey(l => l.PathId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Department>().WithMany().HasForeignKey(p => p.DepartmentId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Sla.SlaPolicyRecord>().WithMany().HasForeignKey(p => p.SlaPolicyId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class EscalationLevelConfiguration : IEntityTypeConfiguration<Sla.EscalationLevelRecord>
{
    public void Configure(EntityTypeBuilder<Sla.EscalationLevelRecord> b)
    {
        b.ToTable("EscalationLevels");
        b.Property(l => l.Metric).HasConversion<string>().HasMaxLength(20);
        b.Property(l => l.Trigger).HasConversion<string>().HasMaxLength(20);
        b.Property(l => l.Fraction).HasPrecision(6, 4);
        b.Property(l => l.Actions).HasMaxLength(4000);
        b.HasIndex(l => new { l.PathId, l.Level }).IsUnique();
    }
}

internal sealed class EscalationFiringConfiguration : IEntityTypeConfiguration<Sla.EscalationFiring>
{
    public void Configure(EntityTypeBuilder<Sla.EscalationFiring> b)
    {
        b.ToTable("EscalationFirings");
        b.HasIndex(f => new { f.TicketId, f.LevelId, f.Cycle }).IsUnique();
        b.HasIndex(f => f.FiredAt); // escalations per level in a period (reports)
        b.HasOne<Ticket>().WithMany().HasForeignKey(f => f.TicketId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Sla.EscalationLevelRecord>().WithMany().HasForeignKey(f => f.LevelId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class NotificationConfiguration : IEntityTypeConfiguration<Notifications.Notification>
{
    public void Configure(EntityTypeBuilder<Notifications.Notification> b)
    {
        b.Property(n => n.Text).HasMaxLength(1000);
        b.HasIndex(n => new { n.UserId, n.Id });
        b.HasOne<Users.DeskUser>().WithMany().HasForeignKey(n => n.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Ticket>().WithMany().HasForeignKey(n => n.TicketId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<Notifications.OutboxMessage>
{
    public void Configure(EntityTypeBuilder<Notifications.OutboxMessage> b)
    {
        b.Property(m => m.Channel).HasConversion<string>().HasMaxLength(20);
        b.Property(m => m.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(m => m.EventKey).HasMaxLength(200);
        b.Property(m => m.Target).HasMaxLength(200);
        b.Property(m => m.Subject).HasMaxLength(1000);
        b.Property(m => m.IdempotencyKey).HasMaxLength(64);
        b.Property(m => m.LastError).HasMaxLength(2000);
        // One message per event, channel and target: a retry of the cause cannot queue a second.
        b.HasIndex(m => new { m.EventKey, m.Channel, m.Target }).IsUnique();
        b.HasIndex(m => m.IdempotencyKey).IsUnique();
        // The dispatcher's query: pending messages whose next attempt is due, earliest first.
        b.HasIndex(m => new { m.Status, m.NextAttemptAt });
        b.HasOne<Ticket>().WithMany().HasForeignKey(m => m.TicketId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class NotificationPreferenceConfiguration : IEntityTypeConfiguration<Notifications.NotificationPreference>
{
    public void Configure(EntityTypeBuilder<Notifications.NotificationPreference> b)
    {
        b.Property(p => p.Event).HasConversion<string>().HasMaxLength(20);
        b.HasIndex(p => new { p.UserId, p.Event });
        b.HasIndex(p => new { p.Role, p.Event });
        b.HasOne<Users.DeskUser>().WithMany().HasForeignKey(p => p.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AutomationRuleConfiguration : IEntityTypeConfiguration<Routing.AutomationRuleRecord>
{
    public void Configure(EntityTypeBuilder<Routing.AutomationRuleRecord> b)
    {
        b.ToTable("AutomationRules");
        b.Property(r => r.Name).HasMaxLength(100);
        b.HasIndex(r => r.Name).IsUnique();
        b.Property(r => r.Trigger).HasConversion<string>().HasMaxLength(30);
        b.Property(r => r.Conditions).HasMaxLength(10_000);
        b.Property(r => r.Actions).HasMaxLength(10_000);
    }
}

using Portal.Core.Tickets;

namespace Portal.Core.Approvals;

/// <summary>Who approves a step.</summary>
public enum ApproverKind
{
    /// <summary>The requester's manager (from the user record, kept in step with Entra ID where it is used).</summary>
    RequesterManager,

    /// <summary>The manager of the requester's manager.</summary>
    ManagersManager,

    /// <summary>The head of the request's department.</summary>
    DepartmentHead,

    /// <summary>One named person.</summary>
    Person,

    /// <summary>The members of a team.</summary>
    Team,

    /// <summary>The supervisors of a department.</summary>
    DepartmentSupervisors,
}

/// <summary>How many of a step's approvers must say yes.</summary>
public enum ApprovalQuorum
{
    One,
    All,
    Count,
}

/// <summary>What happens to a step still undecided when its time limit passes.</summary>
public enum ApprovalTimeout
{
    /// <summary>The manager of each approver who has not decided is asked too (in their place); once.</summary>
    AskManager,

    /// <summary>The step is approved automatically.</summary>
    Approve,

    /// <summary>The step is rejected automatically.</summary>
    Reject,
}

public enum ApprovalState
{
    /// <summary>A later step, not started until the ones before it are approved.</summary>
    Queued,
    Pending,
    Approved,
    Rejected,
}

/// <summary>
/// An approval step an admin set on a category or a service catalog item: who approves, how many must, and when the step
/// applies. Steps run in <see cref="Order"/>; a request waits for each in turn.
/// </summary>
public class ApprovalStep
{
    public int Id { get; set; }
    public int? CategoryId { get; set; }
    public int? CatalogItemId { get; set; }
    public int Order { get; set; }
    public string Name { get; set; } = "";
    public ApproverKind Approver { get; set; }

    /// <summary>For <see cref="ApproverKind.Person"/>.</summary>
    public string? PersonId { get; set; }

    /// <summary>For <see cref="ApproverKind.Team"/>.</summary>
    public int? TeamId { get; set; }

    /// <summary>For <see cref="ApproverKind.DepartmentSupervisors"/>.</summary>
    public int? DepartmentId { get; set; }

    public ApprovalQuorum Quorum { get; set; }

    /// <summary>For <see cref="ApprovalQuorum.Count"/>: how many must approve.</summary>
    public int QuorumCount { get; set; } = 1;

    /// <summary>When the step applies (JSON of <see cref="ApprovalCondition"/>); empty: always.</summary>
    public string Condition { get; set; } = "";

    /// <summary>The approvers are reminded after this many working hours on the request's SLA calendar; null: never.</summary>
    public int? RemindAfterHours { get; set; }

    /// <summary>After this many working hours undecided, <see cref="OnTimeout"/> happens; null: no limit.</summary>
    public int? TimeLimitHours { get; set; }

    public ApprovalTimeout OnTimeout { get; set; }

    /// <summary>The Approve and Reject links of the step's email decide without signing in (the link alone proves who clicked).</summary>
    public bool LinkWithoutSignIn { get; set; }

    public bool IsActive { get; set; } = true;
    public int Version { get; set; } = 1;
}

/// <summary>A step of one request's approval, planned when the request was filed.</summary>
public class TicketApproval
{
    public int Id { get; set; }
    public int TicketId { get; set; }
    public Ticket? Ticket { get; set; }
    public int? StepId { get; set; }
    public int Order { get; set; }
    public string Name { get; set; } = "";
    public ApproverKind Approver { get; set; }

    /// <summary>The named person, team or department of the step as it was when the request was filed.</summary>
    public string? PersonId { get; set; }
    public int? TeamId { get; set; }
    public int? DepartmentId { get; set; }

    public ApprovalQuorum Quorum { get; set; }
    public int QuorumCount { get; set; } = 1;
    public ApprovalState State { get; set; }
    public DateTime? StartedAt { get; set; }
    public DateTime? DecidedAt { get; set; }

    /// <summary>The step's timing as it was when the request was filed, and its instants once started (working hours on the request's calendar).</summary>
    public int? RemindAfterHours { get; set; }
    public int? TimeLimitHours { get; set; }
    public ApprovalTimeout OnTimeout { get; set; }
    public bool LinkWithoutSignIn { get; set; }
    public DateTime? RemindAt { get; set; }
    public DateTime? DueAt { get; set; }
    public DateTime? RemindedAt { get; set; }

    /// <summary>When the time limit passed and its outcome was applied (approvers' managers asked, or decided automatically).</summary>
    public DateTime? TimedOutAt { get; set; }

    /// <summary>Decided by the time limit, not by a person.</summary>
    public bool DecidedAutomatically { get; set; }

    /// <summary>Bumped by every decision, so two approvers deciding at the same moment give exactly one outcome.</summary>
    public int Version { get; set; } = 1;

    public List<TicketApprover> Approvers { get; set; } = [];
}

/// <summary>A person who may decide a step, and what they decided.</summary>
public class TicketApprover
{
    public int Id { get; set; }
    public int ApprovalId { get; set; }
    public string UserId { get; set; } = "";
    public bool? Approved { get; set; }
    public DateTime? DecidedAt { get; set; }
    public string? Reason { get; set; }

    /// <summary>Who clicked, when it was not the approver (their delegate).</summary>
    public string? DecidedById { get; set; }

    /// <summary>Asked when the time limit passed, in the place of this approver (whose manager they are); either may decide for the place.</summary>
    public string? StandsInForId { get; set; }

    /// <summary>Decided with the link of the approval email.</summary>
    public bool ByLink { get; set; }

    /// <summary>The approver (or whom they stand in for): the place in the step's count this row fills.</summary>
    public string Place => StandsInForId ?? UserId;
}

internal sealed class ApprovalStepConfiguration : Microsoft.EntityFrameworkCore.IEntityTypeConfiguration<ApprovalStep>
{
    public void Configure(Microsoft.EntityFrameworkCore.Metadata.Builders.EntityTypeBuilder<ApprovalStep> b)
    {
        b.Property(s => s.Name).HasMaxLength(100);
        b.Property(s => s.Approver).HasConversion<string>().HasMaxLength(30);
        b.Property(s => s.Quorum).HasConversion<string>().HasMaxLength(10);
        b.Property(s => s.Condition).HasMaxLength(4000);
        b.Property(s => s.OnTimeout).HasConversion<string>().HasMaxLength(12);
        b.Property(s => s.Version).IsConcurrencyToken();
        b.HasIndex(s => s.CategoryId);
        b.HasIndex(s => s.CatalogItemId);
        b.HasOne<Departments.Category>().WithMany().HasForeignKey(s => s.CategoryId).OnDelete(Microsoft.EntityFrameworkCore.DeleteBehavior.Cascade);
        b.HasOne<Catalog.CatalogItem>().WithMany().HasForeignKey(s => s.CatalogItemId).OnDelete(Microsoft.EntityFrameworkCore.DeleteBehavior.Cascade);
    }
}

internal sealed class TicketApprovalConfiguration : Microsoft.EntityFrameworkCore.IEntityTypeConfiguration<TicketApproval>
{
    public void Configure(Microsoft.EntityFrameworkCore.Metadata.Builders.EntityTypeBuilder<TicketApproval> b)
    {
        b.Property(a => a.Name).HasMaxLength(100);
        b.Property(a => a.Approver).HasConversion<string>().HasMaxLength(30);
        b.Property(a => a.Quorum).HasConversion<string>().HasMaxLength(10);
        b.Property(a => a.State).HasConversion<string>().HasMaxLength(10);
        b.Property(a => a.OnTimeout).HasConversion<string>().HasMaxLength(12);
        b.HasIndex(a => new { a.State, a.RemindAt });
        b.HasIndex(a => new { a.State, a.DueAt });
        b.Property(a => a.Version).IsConcurrencyToken();
        b.HasIndex(a => new { a.TicketId, a.Order }).IsUnique();
        b.HasIndex(a => new { a.State, a.StartedAt });
        b.HasOne(a => a.Ticket).WithMany().HasForeignKey(a => a.TicketId).OnDelete(Microsoft.EntityFrameworkCore.DeleteBehavior.Cascade);
        b.HasMany(a => a.Approvers).WithOne().HasForeignKey(p => p.ApprovalId).OnDelete(Microsoft.EntityFrameworkCore.DeleteBehavior.Cascade);
    }
}

internal sealed class TicketApproverConfiguration : Microsoft.EntityFrameworkCore.IEntityTypeConfiguration<TicketApprover>
{
    public void Configure(Microsoft.EntityFrameworkCore.Metadata.Builders.EntityTypeBuilder<TicketApprover> b)
    {
        b.Property(p => p.Reason).HasMaxLength(2000);
        b.HasIndex(p => new { p.ApprovalId, p.UserId }).IsUnique();
        b.HasIndex(p => p.UserId);
        b.Ignore(p => p.Place);
        b.HasOne<Users.DeskUser>().WithMany().HasForeignKey(p => p.UserId).OnDelete(Microsoft.EntityFrameworkCore.DeleteBehavior.Restrict);
    }
}

/// <summary>While an approver is away (from a day to a day, both whole UTC days), another person decides their approvals.</summary>
public class ApprovalDelegation
{
    public int Id { get; set; }
    public string UserId { get; set; } = "";
    public string DelegateId { get; set; } = "";
    public DateTime From { get; set; }

    /// <summary>The first instant no longer covered (the day after the last day).</summary>
    public DateTime Until { get; set; }
    public DateTime CreatedAt { get; set; }
    public bool IsActive { get; set; } = true;
}

internal sealed class ApprovalDelegationConfiguration : Microsoft.EntityFrameworkCore.IEntityTypeConfiguration<ApprovalDelegation>
{
    public void Configure(Microsoft.EntityFrameworkCore.Metadata.Builders.EntityTypeBuilder<ApprovalDelegation> b)
    {
        b.HasIndex(d => new { d.UserId, d.Until });
        b.HasIndex(d => new { d.DelegateId, d.Until });
        b.HasOne<Users.DeskUser>().WithMany().HasForeignKey(d => d.UserId).OnDelete(Microsoft.EntityFrameworkCore.DeleteBehavior.Cascade);
        b.HasOne<Users.DeskUser>().WithMany().HasForeignKey(d => d.DelegateId).OnDelete(Microsoft.EntityFrameworkCore.DeleteBehavior.Restrict);
    }
}

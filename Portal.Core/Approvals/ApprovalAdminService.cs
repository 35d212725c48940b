using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Departments;
using Portal.Core.Persistence;
using Portal.Core.Security;
using Portal.Core.Tickets;

namespace Portal.Core.Approvals;

/// <summary>An approval step as the admin's editor shows it.</summary>
public sealed record ApprovalStepView(int Id, int Order, string Name, ApproverKind Approver, string? PersonId, int? TeamId, int? DepartmentId,
    ApprovalQuorum Quorum, int QuorumCount, ApprovalCondition Condition, string Who, string When, int Version, ApprovalTiming Timing,
    bool LinkWithoutSignIn, string Limits);

/// <summary>A step's reminder and time limit, in working hours on the request's SLA calendar, and what the limit does.</summary>
public sealed record ApprovalTiming(int? RemindAfterHours = null, int? TimeLimitHours = null, ApprovalTimeout OnTimeout = ApprovalTimeout.AskManager);

/// <summary>A step to add (no id) or change.</summary>
public sealed record ApprovalStepInput(int? Id, int CategoryId, int Order, string? Name, ApproverKind Approver, string? PersonId, int? TeamId,
    int? DepartmentId, ApprovalQuorum Quorum, int QuorumCount, ApprovalCondition Condition, int Version = 0, ApprovalTiming? Timing = null,
    bool LinkWithoutSignIn = false);

/// <summary>Who can be named in a step: people, teams and departments, and the category's number fields for an amount.</summary>
public sealed record ApprovalChoices(IReadOnlyList<(string Id, string Name)> People, IReadOnlyList<(int Id, string Name)> Teams,
    IReadOnlyList<(int Id, string Name)> Departments, IReadOnlyList<(int Id, string Label)> NumberFields, IReadOnlyList<(int Id, string Label)> ChoiceFields);

/// <summary>Admins shape a category's approval steps; every change is on the audit trail.</summary>
public sealed class ApprovalAdminService(IDbContextFactory<DeskDbContext> dbFactory, Operations.ConfigurationVersion configuration)
{
    public const int NameMax = 100;

    /// <summary>The longest reminder or time limit, in working hours (about a year of working days).</summary>
    public const int MaxHours = 2000;

    public async Task<IReadOnlyList<ApprovalStepView>> StepsAsync(Actor actor, int categoryId, CancellationToken ct = default)
    {
        Require(actor);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var steps = await db.ApprovalSteps.AsNoTracking().Where(s => s.CategoryId == categoryId && s.IsActive)
            .OrderBy(s => s.Order).ThenBy(s => s.Id).ToListAsync(ct);
        var people = steps.Select(s => s.PersonId).OfType<string>().ToList();
        var names = await db.Users.Where(u => people.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        var teams = await db.Teams.ToDictionaryAsync(t => t.Id, t => t.Name, ct);
        var departments = await db.Departments.ToDictionaryAsync(d => d.Id, d => d.Name, ct);
        var fields = await db.CustomFields.Where(f => f.CategoryId == categoryId).ToDictionaryAsync(f => f.Id, f => f.Label, ct);
        return steps.Select(s =>
        {
            var condition = ApprovalCondition.Parse(s.Condition);
            var who = s.Approver switch
            {
                ApproverKind.Person => names.GetValueOrDefault(s.PersonId ?? "", "(someone no longer here)"),
                ApproverKind.Team => $"Team {teams.GetValueOrDefault(s.TeamId ?? 0, "?")}" + Quorum(s),
                ApproverKind.DepartmentSupervisors => $"Supervisors of {departments.GetValueOrDefault(s.DepartmentId ?? 0, "?")}" + Quorum(s),
                _ => Label(s.Approver),
            };
            var timing = new ApprovalTiming(s.RemindAfterHours, s.TimeLimitHours, s.OnTimeout);
            return new ApprovalStepView(s.Id, s.Order, s.Name, s.Approver, s.PersonId, s.TeamId, s.DepartmentId, s.Quorum, s.QuorumCount, condition,
                who, Describe(condition, fields), s.Version, timing, s.LinkWithoutSignIn, Describe(timing));
        }).ToList();
    }

    /// <summary>A kind of approver in words, as the editor offers it.</summary>
    public static string Label(ApproverKind kind) => kind switch
    {
        ApproverKind.RequesterManager => "The requester's manager",
        ApproverKind.ManagersManager => "The requester's manager's manager",
        ApproverKind.DepartmentHead => "The department's head",
        ApproverKind.Person => "A named person",
        ApproverKind.Team => "A team",
        _ => "A department's supervisors",
    };

    private static string Quorum(ApprovalStep s) => s.Quorum switch
    {
        ApprovalQuorum.All => ", all of them",
        ApprovalQuorum.Count => $", {s.QuorumCount} of them",
        _ => ", one of them",
    };

    /// <summary>When a condition holds, in words.</summary>
    public static string Describe(ApprovalCondition c, IReadOnlyDictionary<int, string> fieldLabels)
    {
        var parts = new List<string>();
        if (c.Priorities.Count > 0)
            parts.Add($"priority {string.Join(" or ", c.Priorities)}");
        foreach (var (fieldId, values) in c.Fields)
            parts.Add($"{fieldLabels.GetValueOrDefault(fieldId, "a field")} is {string.Join(" or ", values)}");
        if (c.AmountFieldId is { } amount)
            parts.Add($"{fieldLabels.GetValueOrDefault(amount, "the amount")} above {c.AmountAbove:0.##}");
        if (c.RequesterTags.Count > 0)
            parts.Add($"the requester is tagged {string.Join(" or ", c.RequesterTags)}");
        return parts.Count == 0 ? "Always" : "When " + string.Join(", and ", parts);
    }

    /// <summary>A step's reminder and time limit in words, short (in working hours).</summary>
    public static string Describe(ApprovalTiming t)
    {
        var parts = new List<string>();
        if (t.RemindAfterHours is { } r)
            parts.Add($"remind after {r} h");
        if (t.TimeLimitHours is { } l)
            parts.Add($"limit {l} h, then {t.OnTimeout switch { ApprovalTimeout.Approve => "approve", ApprovalTimeout.Reject => "reject", _ => "ask their manager" }}");
        return parts.Count == 0 ? "No limit" : char.ToUpperInvariant(parts[0][0]) + string.Join("; ", parts)[1..];
    }

    /// <summary>What the time limit does, in words.</summary>
    public static string Label(ApprovalTimeout timeout) => timeout switch
    {
        ApprovalTimeout.Approve => "approved automatically",
        ApprovalTimeout.Reject => "rejected automatically",
        _ => "the approver's manager is asked too",
    };

    public async Task<ApprovalChoices> ChoicesAsync(Actor actor, int categoryId, CancellationToken ct = default)
    {
        Require(actor);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var people = await db.Users.Where(u => u.IsActive && !u.IsServiceAccount).OrderBy(u => u.DisplayName).Select(u => new { u.Id, u.DisplayName }).ToListAsync(ct);
        var teams = await db.Teams.OrderBy(t => t.Name).Select(t => new { t.Id, t.Name }).ToListAsync(ct);
        var departments = await db.Departments.Where(d => d.IsActive).OrderBy(d => d.Name).Select(d => new { d.Id, d.Name }).ToListAsync(ct);
        var fields = await db.CustomFields.Where(f => f.CategoryId == categoryId && f.IsActive).OrderBy(f => f.SortOrder)
            .Select(f => new { f.Id, f.Label, f.Kind }).ToListAsync(ct);
        return new ApprovalChoices(people.Select(p => (p.Id, p.DisplayName)).ToList(), teams.Select(t => (t.Id, t.Name)).ToList(),
            departments.Select(d => (d.Id, d.Name)).ToList(), fields.Where(f => f.Kind == FieldKind.Number).Select(f => (f.Id, f.Label)).ToList(),
            fields.Where(f => f.Kind == FieldKind.Choice).Select(f => (f.Id, f.Label)).ToList());
    }

    /// <summary>Adds or changes a step; each error names its field. A stale version (someone else saved the step) is a conflict.</summary>
    public async Task<int> SaveStepAsync(Actor actor, ApprovalStepInput input, CancellationToken ct = default)
    {
        Require(actor);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var errors = new ValidationErrors();
        var name = input.Name?.Trim() ?? "";
        errors.Required("Name", name, "Name");
        errors.MaxLength("Name", name, NameMax, "Name");
        if (!await db.Categories.AnyAsync(c => c.Id == input.CategoryId, ct))
            errors.Add("CategoryId", $"Category {input.CategoryId} does not exist.");
        if (!Enum.IsDefined(input.Approver))
            errors.Add("Approver", $"Approver {input.Approver} does not exist.");
        switch (input.Approver)
        {
            case ApproverKind.Person when input.PersonId is null || !await db.Users.AnyAsync(u => u.Id == input.PersonId && u.IsActive && !u.IsServiceAccount, ct):
                errors.Add("Person", "Person: choose who approves (an active person).");
                break;
            case ApproverKind.Team when input.TeamId is null || !await db.Teams.AnyAsync(t => t.Id == input.TeamId, ct):
                errors.Add("Team", "Team: choose the team whose members approve.");
                break;
            case ApproverKind.DepartmentSupervisors when input.DepartmentId is null || !await db.Departments.AnyAsync(d => d.Id == input.DepartmentId, ct):
                errors.Add("Department", "Department: choose the department whose supervisors approve.");
                break;
        }

        var group = input.Approver is ApproverKind.Team or ApproverKind.DepartmentSupervisors;
        if (group && input.Quorum == ApprovalQuorum.Count && input.QuorumCount < 1)
            errors.Add("QuorumCount", "How many must approve: at least 1.");
        var c = input.Condition;
        if (c.AmountFieldId is { } amountField)
        {
            if (!await db.CustomFields.AnyAsync(f => f.Id == amountField && f.CategoryId == input.CategoryId && f.Kind == FieldKind.Number, ct))
                errors.Add("AmountField", "Amount: choose a number field of this category.");
            if (c.AmountAbove is null or < 0)
                errors.Add("AmountAbove", "Amount above: a number of at least 0.");
        }

        var timing = input.Timing ?? new ApprovalTiming();
        if (timing.RemindAfterHours is < 1 or > MaxHours)
            errors.Add("RemindAfterHours", $"Remind after: between 1 and {MaxHours} working hours, or empty for no reminder.");
        if (timing.TimeLimitHours is < 1 or > MaxHours)
            errors.Add("TimeLimitHours", $"Time limit: between 1 and {MaxHours} working hours, or empty for none.");
        else if (timing is { RemindAfterHours: { } remind, TimeLimitHours: { } limit } && remind >= limit)
            errors.Add("RemindAfterHours", "Remind after: sooner than the time limit, or the reminder is never sent.");
        if (!Enum.IsDefined(timing.OnTimeout))
            errors.Add("OnTimeout", $"When the time is up: {timing.OnTimeout} is not a choice.");

        errors.ThrowIfAny();
        var step = input.Id is { } id
            ? await db.ApprovalSteps.FirstOrDefaultAsync(s => s.Id == id && s.CategoryId == input.CategoryId, ct)
                ?? throw new DeskNotFoundException($"Approval step {id} does not exist.")
            : db.ApprovalSteps.Add(new ApprovalStep { CategoryId = input.CategoryId }).Entity;
        if (input.Id is not null && step.Version != input.Version)
            throw new DeskConflictException("Someone else changed this step since you opened it. Your changes are kept in the form: reload to see theirs.");
        step.Order = input.Order;
        step.Name = name;
        step.Approver = input.Approver;
        step.PersonId = input.Approver == ApproverKind.Person ? input.PersonId : null;
        step.TeamId = input.Approver == ApproverKind.Team ? input.TeamId : null;
        step.DepartmentId = input.Approver == ApproverKind.DepartmentSupervisors ? input.DepartmentId : null;
        step.Quorum = group ? input.Quorum : ApprovalQuorum.One;
        step.QuorumCount = group && input.Quorum == ApprovalQuorum.Count ? input.QuorumCount : 1;
        step.Condition = c.ToJson();
        (step.RemindAfterHours, step.TimeLimitHours, step.OnTimeout) = (timing.RemindAfterHours, timing.TimeLimitHours, timing.OnTimeout);
        step.LinkWithoutSignIn = input.LinkWithoutSignIn;
        if (input.Id is not null)
            step.Version++;
        await configuration.SaveEditAsync(db, ct);
        return step.Id;
    }

    /// <summary>Removes a step from the category; requests already waiting keep the approval they were given.</summary>
    public async Task RemoveStepAsync(Actor actor, int stepId, CancellationToken ct = default)
    {
        Require(actor);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var step = await db.ApprovalSteps.FirstOrDefaultAsync(s => s.Id == stepId, ct) ?? throw new DeskNotFoundException($"Approval step {stepId} does not exist.");
        step.IsActive = false;
        step.Version++;
        await configuration.SaveEditAsync(db, ct);
    }

    private static void Require(Actor actor)
    {
        if (!actor.IsAdmin)
            throw new DeskForbiddenException("Only admins shape approval steps.");
    }
}

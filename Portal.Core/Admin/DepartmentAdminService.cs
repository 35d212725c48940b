using Portal.Core.Departments;
using Portal.Core.Audit;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Persistence;
using Portal.Core.Security;
using Portal.Core.Tickets;

namespace Portal.Core.Admin;

public sealed record DepartmentRow(int Id, string Code, string Name, string Description, bool IsActive,
    string? HeadUserId, string? HeadName, int CategoryCount, int TeamCount);

public sealed record DepartmentInput(int? Id, string Code, string Name, string Description, string? HeadUserId, bool IsActive);

public sealed record CategoryInput(int? Id, int DepartmentId, string Name, string Description, bool IsActive);

public sealed record CustomFieldInput(int? Id, int CategoryId, string Label, FieldKind Kind, bool Required, string Options,
    bool VisibleToRequester, int SortOrder, bool IsActive);

public sealed record TeamInput(int? Id, int DepartmentId, string Name, Departments.AssignmentMode Mode = Departments.AssignmentMode.Manual);

public sealed record CategoryAdminView(int Id, string Name, string Description, bool IsActive, IReadOnlyList<FieldAdminView> Fields);

public sealed record FieldAdminView(int Id, string Label, FieldKind Kind, bool Required, string Options,
    bool VisibleToRequester, int SortOrder, bool IsActive);

public sealed record TeamAdminView(int Id, string Name, IReadOnlyList<PersonRef> Members, Departments.AssignmentMode Mode = Departments.AssignmentMode.Manual);

public sealed record DepartmentAdminView(DepartmentRow Department, IReadOnlyList<CategoryAdminView> Categories,
    IReadOnlyList<TeamAdminView> Teams);

/// <summary>Admins shape departments, their categories and custom fields, teams and ticket types.</summary>
public sealed partial class DepartmentAdminService(IDbContextFactory<DeskDbContext> dbFactory)
{
    [GeneratedRegex("^[A-Z][A-Z0-9]{1,9}$")]
    private static partial Regex CodePattern();

    public async Task<IReadOnlyList<DepartmentRow>> ListAsync(Actor actor, CancellationToken ct = default)
    {
        EnsureAdmin(actor);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        return await Rows(db.Departments.AsNoTracking().OrderBy(d => d.Name)).ToListAsync(ct);
    }

    private static IQueryable<DepartmentRow> Rows(IQueryable<Department> query) =>
        query.Select(d => new DepartmentRow(d.Id, d.Code, d.Name, d.Description, d.IsActive, d.HeadUserId,
            d.Head != null ? d.Head.DisplayName : null, d.Categories.Count, d.Teams.Count));

    public async Task<DepartmentAdminView> GetAsync(Actor actor, int id, CancellationToken ct = default)
    {
        EnsureAdmin(actor);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var row = await Rows(db.Departments.AsNoTracking().Where(d => d.Id == id)).FirstOrDefaultAsync(ct)
            ?? throw new DeskNotFoundException($"Department {id} does not exist.");
        var categories = await db.Categories.AsNoTracking().Where(c => c.DepartmentId == id).Include(c => c.Fields)
            .OrderBy(c => c.Name).ToListAsync(ct);
        var teams = await db.Teams.AsNoTracking().Where(t => t.DepartmentId == id)
            .OrderBy(t => t.Name)
            .Select(t => new TeamAdminView(t.Id, t.Name,
                t.Members.OrderBy(m => m.User!.DisplayName).Select(m => new PersonRef(m.UserId, m.User!.DisplayName)).ToList(), t.AssignmentMode))
            .ToListAsync(ct);
        return new DepartmentAdminView(row,
            categories.Select(c => new CategoryAdminView(c.Id, c.Name, c.Description, c.IsActive,
                c.Fields.OrderBy(f => f.SortOrder).ThenBy(f => f.Id)
                    .Select(f => new FieldAdminView(f.Id, f.Label, f.Kind, f.Required, f.Options, f.VisibleToRequester,
                        f.SortOrder, f.IsActive)).ToList())).ToList(),
            teams);
    }

    public async Task<int> SaveDepartmentAsync(Actor actor, DepartmentInput input, CancellationToken ct = default)
    {
        EnsureAdmin(actor);
        var errors = new ValidationErrors();
        var code = input.Code?.Trim().ToUpperInvariant() ?? "";
        var name = input.Name?.Trim() ?? "";
        if (!CodePattern().IsMatch(code))
            errors.Add(nameof(input.Code), "Code must be 2 to 10 letters or digits, starting with a letter (e.g. IT, HR, FAC).");
        errors.Required(nameof(input.Name), name, "Name");
        errors.MaxLength(nameof(input.Name), name, 100, "Name");
        errors.MaxLength(nameof(input.Description), input.Description, 1000, "Description");
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        if (await db.Departments.AnyAsync(d => d.Code == code && d.Id != input.Id, ct))
            errors.Add(nameof(input.Code), $"Another department already uses the code {code}.");
        if (await db.Departments.AnyAsync(d => d.Name == name && d.Id != input.Id, ct))
            errors.Add(nameof(input.Name), $"Another department is already called {name}.");
        if (input.HeadUserId is { } head && !await db.Users.AnyAsync(u => u.Id == head && u.IsActive, ct))
            errors.Add(nameof(input.HeadUserId), "The department head must be an active user.");
        errors.ThrowIfAny();

        Department department;
        if (input.Id is { } id)
        {
            department = await db.Departments.FirstOrDefaultAsync(d => d.Id == id, ct)
                ?? throw new DeskNotFoundException($"Department {id} does not exist.");
            if (department.Code != code && await db.Tickets.AnyAsync(t => t.DepartmentId == id, ct))
                throw new DeskValidationException(nameof(input.Code),
                    "The code of a department that has tickets cannot change: it is part of their numbers.");
        }
        else
        {
            department = new Department();
            db.Departments.Add(department);
        }

        department.Code = code;
        department.Name = name;
        department.Description = input.Description?.Trim() ?? "";
        department.HeadUserId = input.HeadUserId;
        department.IsActive = input.IsActive;
        await db.SaveChangesAsync(ct);
        return department.Id;
    }

    public async Task<int> SaveCategoryAsync(Actor actor, CategoryInput input, CancellationToken ct = default)
    {
        EnsureAdmin(actor);
        var errors = new ValidationErrors();
        var name = input.Name?.Trim() ?? "";
        errors.Required(nameof(input.Name), name, "Name");
        errors.MaxLength(nameof(input.Name), name, 100, "Name");
        errors.MaxLength(nameof(input.Description), input.Description, 1000, "Description");
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        if (!await db.Departments.AnyAsync(d => d.Id == input.DepartmentId, ct))
            errors.Add(nameof(input.DepartmentId), $"Department {input.DepartmentId} does not exist.");
        if (await db.Categories.AnyAsync(c => c.DepartmentId == input.DepartmentId && c.Name == name && c.Id != input.Id, ct))
            errors.Add(nameof(input.Name), $"This department already has a category called {name}.");
        errors.ThrowIfAny();

        Category category;
        if (input.Id is { } id)
        {
            category = await db.Categories.FirstOrDefaultAsync(c => c.Id == id && c.DepartmentId == input.DepartmentId, ct)
                ?? throw new DeskNotFoundException($"Category {id} does not exist in this department.");
        }
        else
        {
            category = new Category { DepartmentId = input.DepartmentId };
            db.Categories.Add(category);
        }

        category.Name = name;
        category.Description = input.Description?.Trim() ?? "";
        category.IsActive = input.IsActive;
        await db.SaveChangesAsync(ct);
        return category.Id;
    }

    public async Task<int> SaveFieldAsync(Actor actor, CustomFieldInput input, CancellationToken ct = default)
    {
        EnsureAdmin(actor);
        var errors = new ValidationErrors();
        var label = input.Label?.Trim() ?? "";
        errors.Required(nameof(input.Label), label, "Label");
        errors.MaxLength(nameof(input.Label), label, 100, "Label");
        if (!Enum.IsDefined(input.Kind))
            errors.Add(nameof(input.Kind), $"Field type {input.Kind} does not exist.");
        var options = string.Join('\n', (input.Options ?? "")
            .Split(['\n', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Distinct(StringComparer.OrdinalIgnoreCase));
        if (input.Kind == FieldKind.Choice && options.Length == 0)
            errors.Add(nameof(input.Options), "A choice field needs at least one option (one per line).");
        errors.MaxLength(nameof(input.Options), options, 4000, "Options");
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        if (!await db.Categories.AnyAsync(c => c.Id == input.CategoryId, ct))
            errors.Add(nameof(input.CategoryId), $"Category {input.CategoryId} does not exist.");
        errors.ThrowIfAny();

        CustomField field;
        if (input.Id is { } id)
        {
            field = await db.CustomFields.FirstOrDefaultAsync(f => f.Id == id && f.CategoryId == input.CategoryId, ct)
                ?? throw new DeskNotFoundException($"Field {id} does not exist in this category.");
            if (field.Kind != input.Kind && await db.TicketFieldValues.AnyAsync(v => v.FieldId == id, ct))
                throw new DeskValidationException(nameof(input.Kind),
                    "The type of a field that tickets already have values for cannot change; add a new field instead.");
        }
        else
        {
            field = new CustomField { CategoryId = input.CategoryId };
            db.CustomFields.Add(field);
        }

        field.Label = label;
        field.Kind = input.Kind;
        field.Required = input.Required;
        field.Options = input.Kind == FieldKind.Choice ? options : "";
        field.VisibleToRequester = input.VisibleToRequester;
        field.SortOrder = input.SortOrder;
        field.IsActive = input.IsActive;
        await db.SaveChangesAsync(ct);
        return field.Id;
    }

    public async Task<int> SaveTeamAsync(Actor actor, TeamInput input, CancellationToken ct = default)
    {
        EnsureAdmin(actor);
        var errors = new ValidationErrors();
        var name = input.Name?.Trim() ?? "";
        errors.Required(nameof(input.Name), name, "Name");
        errors.MaxLength(nameof(input.Name), name, 100, "Name");
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        if (!await db.Departments.AnyAsync(d => d.Id == input.DepartmentId, ct))
            errors.Add(nameof(input.DepartmentId), $"Department {input.DepartmentId} does not exist.");
        if (await db.Teams.AnyAsync(t => t.DepartmentId == input.DepartmentId && t.Name == name && t.Id != input.Id, ct))
            errors.Add(nameof(input.Name), $"This department already has a team called {name}.");
        errors.ThrowIfAny();

        Team team;
        if (input.Id is { } id)
        {
            team = await db.Teams.FirstOrDefaultAsync(t => t.Id == id && t.DepartmentId == input.DepartmentId, ct)
                ?? throw new DeskNotFoundException($"Team {id} does not exist in this department.");
        }
        else
        {
            team = new Team { DepartmentId = input.DepartmentId };
            db.Teams.Add(team);
        }

        team.Name = name;
        team.AssignmentMode = input.Mode;
        await db.SaveChangesAsync(ct);
        return team.Id;
    }

    public async Task<IReadOnlyList<(int Id, string Name, bool IsActive)>> ListTypesAsync(Actor actor, CancellationToken ct = default)
    {
        EnsureAdmin(actor);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var rows = await db.TicketTypes.AsNoTracking().OrderBy(t => t.Id).ToListAsync(ct);
        return rows.Select(t => (t.Id, t.Name, t.IsActive)).ToList();
    }

    public async Task<int> SaveTypeAsync(Actor actor, int? id, string name, bool isActive, CancellationToken ct = default)
    {
        EnsureAdmin(actor);
        name = name?.Trim() ?? "";
        var errors = new ValidationErrors();
        errors.Required("TypeName", name, "Type name");
        errors.MaxLength("TypeName", name, 100, "Type name");
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        if (await db.TicketTypes.AnyAsync(t => t.Name == name && t.Id != id, ct))
            errors.Add("TypeName", $"A type called {name} already exists.");
        errors.ThrowIfAny();
        TicketType type;
        if (id is { } existing)
        {
            type = await db.TicketTypes.FirstOrDefaultAsync(t => t.Id == existing, ct)
                ?? throw new DeskNotFoundException($"Type {existing} does not exist.");
        }
        else
        {
            type = new TicketType();
            db.TicketTypes.Add(type);
        }

        type.Name = name;
        type.IsActive = isActive;
        await db.SaveChangesAsync(ct);
        return type.Id;
    }

    internal static void EnsureAdmin(Actor actor) => Access.RequireAdmin(actor);
}

using Portal.Core.Audit;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Persistence;
using Portal.Core.Security;
using Portal.Core.Tickets;

namespace Portal.Core.Departments;

/// <summary>What the forms offer: departments, categories and their fields, types, teams and people.</summary>
public sealed class DepartmentDirectory(IDbContextFactory<DeskDbContext> dbFactory, IEnumerable<ICategoriesWithOwnForm> ownForms)
{
    private readonly ICategoriesWithOwnForm[] _ownForms = ownForms.ToArray();

    public async Task<IReadOnlyList<DepartmentOption>> ListDepartmentsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Departments.AsNoTracking().Where(d => d.IsActive)
            .OrderBy(d => d.Name)
            .Select(d => new DepartmentOption(d.Id, d.Code, d.Name, d.Description))
            .ToListAsync(ct);
    }

    /// <summary>The departments whose queues the actor works: all for an admin.</summary>
    public async Task<IReadOnlyList<DepartmentOption>> ListWorkDepartmentsAsync(Actor actor, CancellationToken ct = default)
    {
        if (!actor.IsStaff)
            return [];
        var all = await ListDepartmentsAsync(ct);
        return all.Where(d => actor.CanWorkIn(d.Id)).ToList();
    }

    /// <summary>The departments whose figures and complaints the actor may read (every one for admins and auditors).</summary>
    public async Task<IReadOnlyList<DepartmentOption>> ListReadableDepartmentsAsync(Actor actor, CancellationToken ct = default)
    {
        var all = await ListDepartmentsAsync(ct);
        return all.Where(d => Access.MayReadDepartment(actor, d.Id)).ToList();
    }

    /// <summary>
    /// A department's active categories. <paramref name="forNewRequests"/> leaves out those with a form of their own
    /// elsewhere (service catalog items and their tasks, complaints): a request filed under them would lack its parts.
    /// </summary>
    public async Task<IReadOnlyList<CategoryOption>> ListCategoriesAsync(int departmentId, CancellationToken ct = default, bool forNewRequests = false)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var categories = db.Categories.AsNoTracking().Where(c => c.DepartmentId == departmentId && c.IsActive);
        if (forNewRequests)
        {
            categories = categories.Where(c => c.Purpose != CategoryPurpose.CatalogTasks && c.Purpose != CategoryPurpose.Complaints);
            foreach (var owner in _ownForms)
            {
                var taken = owner.CategoryIds(db);
                categories = categories.Where(c => !taken.Contains(c.Id));
            }
        }
        return await categories
            .OrderBy(c => c.Name)
            .Select(c => new CategoryOption(c.Id, c.Name, c.Description))
            .ToListAsync(ct);
    }

    /// <summary>The fields the actor fills in for a category: agent-only fields only for its department's staff.</summary>
    public async Task<IReadOnlyList<FieldDefinition>> ListFieldsAsync(Actor actor, int categoryId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var departmentId = await db.Categories.Where(c => c.Id == categoryId).Select(c => (int?)c.DepartmentId)
            .FirstOrDefaultAsync(ct) ?? throw new DeskNotFoundException($"Category {categoryId} does not exist.");
        var staff = actor.CanWorkIn(departmentId);
        var fields = await db.CustomFields.AsNoTracking()
            .Where(f => f.CategoryId == categoryId && f.IsActive && (staff || f.VisibleToRequester))
            .OrderBy(f => f.SortOrder).ThenBy(f => f.Id)
            .ToListAsync(ct);
        return fields.Select(f => new FieldDefinition(f.Id, f.Label, f.Kind, f.Required, f.VisibleToRequester,
            f.OptionList, f.SortOrder)).ToList();
    }

    /// <summary>The active ticket types, the default for a new request (the Request kind, whatever its name) first.</summary>
    public async Task<IReadOnlyList<NamedOption>> ListTypesAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.TicketTypes.AsNoTracking().Where(t => t.IsActive)
            .OrderBy(t => t.Kind == TicketKind.Request ? 0 : 1).ThenBy(t => t.Id)
            .Select(t => new NamedOption(t.Id, t.Name)).ToListAsync(ct);
    }

    public async Task<IReadOnlyList<NamedOption>> ListTeamsAsync(Actor actor, int departmentId, CancellationToken ct = default)
    {
        EnsureStaff(actor, departmentId);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        return await db.Teams.AsNoTracking().Where(t => t.DepartmentId == departmentId).OrderBy(t => t.Name)
            .Select(t => new NamedOption(t.Id, t.Name)).ToListAsync(ct);
    }

    /// <summary>Active agents and supervisors of a department: the people a ticket can be assigned to.</summary>
    public async Task<IReadOnlyList<PersonRef>> ListAssigneesAsync(Actor actor, int departmentId, CancellationToken ct = default)
    {
        EnsureStaff(actor, departmentId);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        return await db.Users.AsNoTracking()
            .Where(u => u.IsActive && (u.Roles & (DeskRole.Agent | DeskRole.Supervisor)) != 0
                && u.Departments.Any(m => m.DepartmentId == departmentId))
            .OrderBy(u => u.DisplayName)
            .Select(u => new PersonRef(u.Id, u.DisplayName)).ToListAsync(ct);
    }

    /// <summary>Active people whose name or email contains the text; for staff picking watchers.</summary>
    public async Task<IReadOnlyList<PersonRef>> SearchPeopleAsync(Actor actor, string text, CancellationToken ct = default)
    {
        Access.RequireStaff(actor, "Only staff can look people up.");
        text = text.Trim().ToLowerInvariant();
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        return await db.Users.AsNoTracking()
            .Where(u => u.IsActive && (text == "" || u.DisplayName.ToLower().Contains(text) || u.NormalizedEmail!.ToLower().Contains(text)))
            .OrderBy(u => u.DisplayName).Take(20)
            .Select(u => new PersonRef(u.Id, u.DisplayName)).ToListAsync(ct);
    }

    /// <summary>Every active person, by name; for admins choosing heads and managers.</summary>
    public async Task<IReadOnlyList<PersonRef>> ListPeopleAsync(Actor actor, CancellationToken ct = default)
    {
        Access.RequireAdmin(actor);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        return await db.Users.AsNoTracking().Where(u => u.IsActive).OrderBy(u => u.DisplayName)
            .Select(u => new PersonRef(u.Id, u.DisplayName)).ToListAsync(ct);
    }

    private static void EnsureStaff(Actor actor, int departmentId) => Access.RequireWorkIn(actor, departmentId);

    /// <summary>The department whose queue the actor opens; refused when it does not exist or the actor does not work it.</summary>
    public async Task<DepartmentOption> WorkDepartmentAsync(Actor actor, int departmentId, CancellationToken ct = default) =>
        (await ListWorkDepartmentsAsync(actor, ct)).FirstOrDefault(d => d.Id == departmentId)
        ?? throw new DeskForbiddenException("This queue does not exist, or you are not an agent or supervisor of its department.");
}

/// <summary>
/// A feature whose requests are filed through a form of its own (the service catalog's items): the plain request form
/// leaves its categories out, since a request filed there would lack its parts.
/// </summary>
public interface ICategoriesWithOwnForm
{
    /// <summary>The ids of the categories the feature's own forms file under, as a query to compose.</summary>
    IQueryable<int> CategoryIds(DeskDbContext db);
}

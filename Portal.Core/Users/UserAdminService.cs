using Portal.Core.Audit;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Common;
using Portal.Core.Departments;
using Portal.Core.Persistence;
using Portal.Core.Security;
using Portal.Core.Tickets;

namespace Portal.Core.Users;

public sealed record UserRow(string Id, string Email, string DisplayName, DeskRole Roles, bool IsActive,
    string Departments, string Tags, string? ManagerName, bool IsExternal)
{
    /// <summary>Another system's account: no password, acts through its API tokens only.</summary>
    public bool IsServiceAccount { get; init; }
}

public sealed record UserInput(
    string? Id,
    string Email,
    string DisplayName,
    string? Password,
    DeskRole Roles,
    IReadOnlyCollection<int> DepartmentIds,
    IReadOnlyCollection<int> TeamIds,
    string? ManagerId,
    string Tags,
    bool IsActive)
{
    /// <summary>An account for another system: no password, no sign-in on a page; it acts through API tokens only.</summary>
    public bool IsServiceAccount { get; init; }
}

/// <summary>Admins create local accounts, change roles and memberships, and deactivate people.</summary>
public sealed class UserAdminService(IServiceScopeFactory scopes, IDbContextFactory<DeskDbContext> dbFactory, SessionRevocations revocations)
{
    /// <summary>The actor for work done from the command line by whoever runs the server.</summary>
    public static readonly Actor Console = new("console", "Command line", DeskRole.Admin, new HashSet<int>());

    public async Task<PagedResult<UserRow>> ListAsync(Actor actor, string? text, int page, int pageSize,
        CancellationToken ct = default)
    {
        Access.RequireAdmin(actor);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var query = db.Users.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(text))
        {
            var t = text.Trim().ToLowerInvariant();
            query = query.Where(u => u.DisplayName.ToLower().Contains(t) || u.NormalizedEmail!.ToLower().Contains(t) || u.Tags.ToLower().Contains(t));
        }

        var total = await query.CountAsync(ct);
        page = Math.Max(1, page);
        pageSize = Math.Clamp(pageSize, 1, 200);
        var rows = await query.OrderBy(u => u.DisplayName).Skip((page - 1) * pageSize).Take(pageSize)
            .Select(u => new
            {
                u.Id, u.Email, u.DisplayName, u.Roles, u.IsActive, u.Tags, u.ExternalObjectId, u.IsServiceAccount,
                Manager = u.Manager != null ? u.Manager.DisplayName : null,
                Departments = u.Departments.Select(d => d.Department!.Code).ToList(),
            })
            .ToListAsync(ct);
        return new PagedResult<UserRow>(rows.Select(u => new UserRow(u.Id, u.Email ?? "", u.DisplayName, u.Roles, u.IsActive,
            string.Join(", ", u.Departments.Order()), u.Tags, u.Manager, u.ExternalObjectId is not null) { IsServiceAccount = u.IsServiceAccount }).ToList(),
            total, page, pageSize);
    }

    /// <summary>The service accounts (Admin → Service accounts), by name.</summary>
    public async Task<IReadOnlyList<UserRow>> ListServiceAccountsAsync(Actor actor, CancellationToken ct = default)
    {
        Access.RequireAdmin(actor);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var rows = await db.Users.AsNoTracking().Where(u => u.IsServiceAccount).OrderBy(u => u.DisplayName)
            .Select(u => new { u.Id, u.Email, u.DisplayName, u.Roles, u.IsActive, u.Tags, Departments = u.Departments.Select(d => d.Department!.Code).ToList() })
            .ToListAsync(ct);
        return rows.Select(u => new UserRow(u.Id, u.Email ?? "", u.DisplayName, u.Roles, u.IsActive, string.Join(", ", u.Departments.Order()), u.Tags,
            null, false) { IsServiceAccount = true }).ToList();
    }

    public async Task<UserInput> GetAsync(Actor actor, string id, CancellationToken ct = default)
    {
        Access.RequireAdmin(actor);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var u = await db.Users.AsNoTracking().Include(x => x.Departments).Include(x => x.Teams)
            .FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw new DeskNotFoundException($"User {id} does not exist.");
        return new UserInput(u.Id, u.Email ?? "", u.DisplayName, null, u.Roles,
            u.Departments.Select(d => d.DepartmentId).ToList(), u.Teams.Select(t => t.TeamId).ToList(),
            u.ManagerId, u.Tags, u.IsActive) { IsServiceAccount = u.IsServiceAccount };
    }

    /// <summary>Creates a local account (with a password) or saves changes to an existing user.</summary>
    public async Task<string> SaveAsync(Actor actor, UserInput input, CancellationToken ct = default)
    {
        Access.RequireAdmin(actor);
        var creating = input.Id is null;
        var errors = new ValidationErrors();
        var email = input.Email?.Trim() ?? "";
        var name = input.DisplayName?.Trim() ?? "";
        errors.Required(nameof(input.Email), email, "Email");
        if (email.Length > 0 && (!email.Contains('@') || email.StartsWith('@') || email.EndsWith('@')))
            errors.Add(nameof(input.Email), $"\"{email}\" is not an email address.");
        errors.MaxLength(nameof(input.Email), email, 256, "Email");
        errors.Required(nameof(input.DisplayName), name, "Name");
        errors.MaxLength(nameof(input.DisplayName), name, 200, "Name");
        if (creating && string.IsNullOrEmpty(input.Password) && !input.IsServiceAccount)
            errors.Add(nameof(input.Password), "A new local account needs a password.");
        if (input.IsServiceAccount && !string.IsNullOrEmpty(input.Password))
            errors.Add(nameof(input.Password), "A service account has no password: it acts through its API tokens only.");
        if ((int)input.Roles is < 0 or > 15)
            errors.Add(nameof(input.Roles), "Unknown role.");
        var tags = string.Join(",", (input.Tags ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Distinct(StringComparer.OrdinalIgnoreCase));
        errors.MaxLength(nameof(input.Tags), tags, 500, "Tags");
        if (input.Id is not null && input.Id == actor.UserId)
        {
            if (!input.IsActive)
                errors.Add(nameof(input.IsActive), "You cannot deactivate your own account.");
            if (!input.Roles.HasFlag(DeskRole.Admin))
                errors.Add(nameof(input.Roles), "You cannot take the Admin role from yourself.");
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DeskDbContext>();
        db.Acting = AuditActing.Of(actor);
        var users = scope.ServiceProvider.GetRequiredService<UserManager<DeskUser>>();
        var departmentIds = input.DepartmentIds.Distinct().ToList();
        var known = await db.Departments.Where(d => departmentIds.Contains(d.Id)).Select(d => d.Id).ToListAsync(ct);
        if (known.Count != departmentIds.Count)
            errors.Add(nameof(input.DepartmentIds), "One of the departments does not exist.");
        var teamIds = input.TeamIds.Distinct().ToList();
        var teams = await db.Teams.Where(t => teamIds.Contains(t.Id)).Select(t => new { t.Id, t.DepartmentId, t.Name }).ToListAsync(ct);
        if (teams.Count != teamIds.Count)
            errors.Add(nameof(input.TeamIds), "One of the teams does not exist.");
        foreach (var team in teams.Where(t => !departmentIds.Contains(t.DepartmentId)))
            errors.Add(nameof(input.TeamIds), $"Team {team.Name} belongs to a department this user is not a member of.");
        if (input.ManagerId is { } managerId && (managerId == input.Id || !await db.Users.AnyAsync(u => u.Id == managerId, ct)))
            errors.Add(nameof(input.ManagerId), "The manager must be another existing user.");
        // A service account keeps having no password, whichever page saves it.
        if (!creating && !string.IsNullOrEmpty(input.Password) && await db.Users.AnyAsync(u => u.Id == input.Id && u.IsServiceAccount, ct))
            errors.Add(nameof(input.Password), "A service account has no password: it acts through its API tokens only.");
        var existingByEmail = await users.FindByEmailAsync(email);
        if (existingByEmail is not null && existingByEmail.Id != input.Id)
            errors.Add(nameof(input.Email), $"{email} is already the email of another user.");
        if (!string.IsNullOrEmpty(input.Password))
        {
            foreach (var validator in users.PasswordValidators)
            {
                var check = await validator.ValidateAsync(users, new DeskUser(), input.Password);
                if (!check.Succeeded)
                    errors.Add(nameof(input.Password), string.Join(" ", check.Errors.Select(e => e.Description)));
            }
        }

        errors.ThrowIfAny();

        DeskUser user;
        if (creating)
        {
            user = new DeskUser { UserName = email, Email = email, EmailConfirmed = true, IsServiceAccount = input.IsServiceAccount };
        }
        else
        {
            user = await users.FindByIdAsync(input.Id!) ?? throw new DeskNotFoundException($"User {input.Id} does not exist.");
            await db.Entry(user).Collection(u => u.Departments).LoadAsync(ct);
            await db.Entry(user).Collection(u => u.Teams).LoadAsync(ct);
        }

        // Taking anything away (the account, a role, a department) ends the person's sign-ins everywhere: the new stamp
        // refuses their open pages' next step, and the signal closes their live connections at once.
        var reduced = !creating && ((user.IsActive && !input.IsActive) || (user.Roles & ~input.Roles) != 0
                                    || user.Departments.Any(d => !departmentIds.Contains(d.DepartmentId)));
        user.DisplayName = name;
        user.Email = email;
        user.UserName = email;
        user.Roles = input.Roles;
        user.ManagerId = input.ManagerId;
        user.Tags = tags;
        user.IsActive = input.IsActive;
        user.Departments.RemoveAll(d => !departmentIds.Contains(d.DepartmentId));
        user.Departments.AddRange(departmentIds.Where(id => user.Departments.All(d => d.DepartmentId != id))
            .Select(id => new DepartmentMember { UserId = user.Id, DepartmentId = id }));
        user.Teams.RemoveAll(t => !teamIds.Contains(t.TeamId));
        user.Teams.AddRange(teamIds.Where(id => user.Teams.All(t => t.TeamId != id))
            .Select(id => new TeamMember { UserId = user.Id, TeamId = id }));

        var result = !creating ? await users.UpdateAsync(user)
            : user.IsServiceAccount ? await users.CreateAsync(user) : await users.CreateAsync(user, input.Password!);
        if (!creating && result.Succeeded && !string.IsNullOrEmpty(input.Password))
        {
            await users.RemovePasswordAsync(user);
            result = await users.AddPasswordAsync(user, input.Password);
        }

        if (!result.Succeeded)
        {
            var field = result.Errors.Any(e => e.Code.StartsWith("Password", StringComparison.Ordinal))
                ? nameof(input.Password)
                : nameof(input.Email);
            throw new DeskValidationException(field, string.Join(" ", result.Errors.Select(e => e.Description)));
        }

        if (reduced)
        {
            await users.UpdateSecurityStampAsync(user);
            revocations.Publish(new SessionRevoked(user.Id));
        }

        return user.Id;
    }
}

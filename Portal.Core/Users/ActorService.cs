using Portal.Core.Audit;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Persistence;
using Portal.Core.Security;

namespace Portal.Core.Users;

public sealed class ActorService(IDbContextFactory<DeskDbContext> dbFactory)
{
    /// <summary>Marks the acting agent away (skipped by auto-assignment) or back.</summary>
    public async Task SetAwayAsync(Actor actor, bool away, CancellationToken ct = default)
    {
        if (!actor.IsStaff)
            throw new Common.DeskForbiddenException("Only agents and supervisors can be away; requesters are never assigned work.");
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        await db.Users.Where(u => u.Id == actor.UserId).ExecuteUpdateAsync(s => s.SetProperty(u => u.IsAway, away), ct);
    }

    public async Task<bool> IsAwayAsync(Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        return await db.Users.Where(u => u.Id == actor.UserId).Select(u => u.IsAway).FirstOrDefaultAsync(ct);
    }

    /// <summary>The acting user with current roles and memberships, or null when unknown or deactivated.</summary>
    public async Task<Actor?> LoadAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = await db.Users.AsNoTracking()
            .Where(u => u.Id == userId && u.IsActive)
            .Select(u => new { u.Id, u.DisplayName, u.Roles, u.SecurityStamp, Departments = u.Departments.Select(d => d.DepartmentId).ToList() })
            .FirstOrDefaultAsync(ct);
        return user is null
            ? null
            : new Actor(user.Id, user.DisplayName, user.Roles, user.Departments.ToHashSet()) { Stamp = user.SecurityStamp };
    }
}

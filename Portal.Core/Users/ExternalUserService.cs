using Microsoft.EntityFrameworkCore;
using Portal.Core.Departments;
using Portal.Core.Persistence;
using Portal.Core.Security;

namespace Portal.Core.Users;

/// <summary>Who an external sign-in (Entra ID) says the person is, already mapped to desk roles and departments.</summary>
/// <param name="ManagerEmail">The manager the directory names: "" for none, null when not known (the desk keeps its own).</param>
public sealed record ExternalIdentity(string ObjectId, string Email, string DisplayName, DeskRole Roles,
    IReadOnlyCollection<string> DepartmentCodes, string? ManagerEmail = null);

/// <summary>Finds or creates the local user behind an Entra ID sign-in and keeps its roles in step with Entra ID.</summary>
public sealed class ExternalUserService(IDbContextFactory<DeskDbContext> dbFactory, SessionRevocations revocations)
{
    /// <summary>The local user id, or null when that user was deactivated here.</summary>
    public async Task<string?> ProvisionAsync(ExternalIdentity who, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var email = who.Email.Trim();
        var user = await db.Users.Include(u => u.Departments)
                       .FirstOrDefaultAsync(u => u.ExternalObjectId == who.ObjectId, ct)
                   ?? await db.Users.Include(u => u.Departments)
                       .FirstOrDefaultAsync(u => u.NormalizedEmail == email.ToUpperInvariant(), ct);
        if (user is null)
        {
            user = new DeskUser
            {
                UserName = email, NormalizedUserName = email.ToUpperInvariant(), Email = email,
                NormalizedEmail = email.ToUpperInvariant(), EmailConfirmed = true,
                SecurityStamp = Guid.NewGuid().ToString("N"),
            };
            db.Users.Add(user);
        }
        else if (!user.IsActive || user.IsServiceAccount)
        {
            return null; // a service account never signs in on a page, whatever the directory says
        }

        var reduced = (user.Roles & ~who.Roles) != 0;
        user.ExternalObjectId = who.ObjectId;
        user.DisplayName = string.IsNullOrWhiteSpace(who.DisplayName) ? email : who.DisplayName.Trim();
        user.Roles = who.Roles;
        var codes = who.DepartmentCodes.Select(c => c.ToUpperInvariant()).ToList();
        var departmentIds = await db.Departments.Where(d => codes.Contains(d.Code)).Select(d => d.Id).ToListAsync(ct);
        reduced |= user.Departments.Any(m => !departmentIds.Contains(m.DepartmentId));
        user.Departments.RemoveAll(m => !departmentIds.Contains(m.DepartmentId));
        user.Departments.AddRange(departmentIds.Where(id => user.Departments.All(m => m.DepartmentId != id))
            .Select(id => new DepartmentMember { UserId = user.Id, DepartmentId = id }));
        // The directory's manager, when it named one the desk knows (or none): approvals by "the requester's manager" follow it.
        if (who.ManagerEmail is { } managerEmail)
        {
            var normalized = managerEmail.Trim().ToUpperInvariant();
            var managerId = normalized.Length == 0 ? null
                : await db.Users.Where(u => u.NormalizedEmail == normalized && u.IsActive).Select(u => u.Id).FirstOrDefaultAsync(ct);
            if (normalized.Length == 0 || (managerId is not null && managerId != user.Id))
                user.ManagerId = managerId;
        }

        // Entra ID took a role or a department away: the person's other sessions end (this sign-in gets the new stamp).
        if (reduced && db.Entry(user).State != EntityState.Added)
            user.SecurityStamp = Guid.NewGuid().ToString("N");
        await db.SaveChangesAsync(ct);
        if (reduced)
            revocations.Publish(new SessionRevoked(user.Id));
        return user.Id;
    }
}

using Portal.Core.Audit;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Persistence;
using Portal.Core.Security;

namespace Portal.Core.Notifications;

/// <summary>What a notification is about, for choosing its channels.</summary>
public enum NotificationEvent
{
    /// <summary>A ticket was assigned to me.</summary>
    Assigned,

    /// <summary>A reply or note on a ticket I work or watch, or on my request.</summary>
    Reply,

    /// <summary>My request was resolved or waits for my answer.</summary>
    RequestUpdate,

    /// <summary>An escalation level before a breach (a share of the budget used, or a time before the due instant).</summary>
    Warning,

    /// <summary>An escalation level at or after a breach.</summary>
    Breach,

    /// <summary>A rule told me of a ticket.</summary>
    Rule,

    /// <summary>Someone wrote @my-name (the part of my email before the @) in a reply or note.</summary>
    Mentioned,

    /// <summary>A request waits for my approval.</summary>
    Approval,
}

[Flags]
public enum NotificationChannels
{
    None = 0,
    InApp = 1,
    Email = 2,
    Sms = 4,
}

/// <summary>A person's choice of channels for one event, or (without a user) the default for a role.</summary>
public class NotificationPreference
{
    public int Id { get; set; }
    public string? UserId { get; set; }
    public DeskRole? Role { get; set; }
    public NotificationEvent Event { get; set; }
    public NotificationChannels Channels { get; set; }
}

public sealed record PreferenceGrid(IReadOnlyDictionary<NotificationEvent, NotificationChannels> Channels, string? Phone);

/// <summary>
/// Which events reach a person over which channels: their own choice where they made one, else their role's default
/// as an admin set it, else in-app and email. SMS needs a mobile number and is meant for paging.
/// </summary>
public sealed partial class PreferenceService(IDbContextFactory<DeskDbContext> dbFactory)
{
    public const NotificationChannels BuiltInDefault = NotificationChannels.InApp | NotificationChannels.Email;

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$")]
    private static partial Regex PhonePattern();

    public async Task<PreferenceGrid> GetMineAsync(Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var resolved = await ResolveAsync(db, [actor.UserId], ct);
        var phone = await db.Users.Where(u => u.Id == actor.UserId).Select(u => u.PhoneNumber).FirstOrDefaultAsync(ct);
        return new PreferenceGrid(Enum.GetValues<NotificationEvent>().ToDictionary(e => e, e => resolved[(actor.UserId, e)]), phone);
    }

    public async Task SaveMineAsync(Actor actor, PreferenceGrid grid, CancellationToken ct = default)
    {
        var phone = string.IsNullOrWhiteSpace(grid.Phone) ? null : Regex.Replace(grid.Phone, @"[\s\-()]", "");
        var errors = new ValidationErrors();
        if (phone is not null && !PhonePattern().IsMatch(phone))
            errors.Add("Phone", "Mobile number must be in international form, such as +49 170 1234567.");
        if (phone is null && grid.Channels.Values.Any(c => c.HasFlag(NotificationChannels.Sms)))
            errors.Add("Phone", "A mobile number is needed for text messages.");
        errors.ThrowIfAny();

        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var user = await db.Users.FirstAsync(u => u.Id == actor.UserId, ct);
        user.PhoneNumber = phone;
        await db.NotificationPreferences.Where(p => p.UserId == actor.UserId).ExecuteDeleteAsync(ct);
        db.NotificationPreferences.AddRange(grid.Channels.Select(c => new NotificationPreference { UserId = actor.UserId, Event = c.Key, Channels = c.Value }));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The defaults an admin set for a role (built-in where none was set).</summary>
    public async Task<IReadOnlyDictionary<NotificationEvent, NotificationChannels>> GetRoleDefaultsAsync(Actor actor, DeskRole role, CancellationToken ct = default)
    {
        RequireAdmin(actor);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var rows = await db.NotificationPreferences.AsNoTracking().Where(p => p.UserId == null && p.Role == role).ToListAsync(ct);
        return Enum.GetValues<NotificationEvent>().ToDictionary(e => e, e => rows.FirstOrDefault(r => r.Event == e)?.Channels ?? BuiltInDefault);
    }

    public async Task SaveRoleDefaultsAsync(Actor actor, DeskRole role, IReadOnlyDictionary<NotificationEvent, NotificationChannels> channels,
        CancellationToken ct = default)
    {
        RequireAdmin(actor);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        await db.NotificationPreferences.Where(p => p.UserId == null && p.Role == role).ExecuteDeleteAsync(ct);
        db.NotificationPreferences.AddRange(channels.Select(c => new NotificationPreference { Role = role, Event = c.Key, Channels = c.Value }));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The channels each of these people chose (or inherit) for each event; in one query for all.</summary>
    internal static async Task<Dictionary<(string UserId, NotificationEvent Event), NotificationChannels>> ResolveAsync(DeskDbContext db,
        IReadOnlyCollection<string> userIds, CancellationToken ct)
    {
        var users = await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id)).Select(u => new { u.Id, u.Roles }).ToListAsync(ct);
        var own = await db.NotificationPreferences.AsNoTracking().Where(p => p.UserId != null && userIds.Contains(p.UserId)).ToListAsync(ct);
        var defaults = await db.NotificationPreferences.AsNoTracking().Where(p => p.UserId == null).ToListAsync(ct);
        var result = new Dictionary<(string, NotificationEvent), NotificationChannels>();
        foreach (var user in users)
        {
            // A person's "highest" role decides their default: admin, then supervisor, agent, requester.
            var role = user.Roles.HasFlag(DeskRole.Admin) ? DeskRole.Admin : user.Roles.HasFlag(DeskRole.Supervisor) ? DeskRole.Supervisor
                : user.Roles.HasFlag(DeskRole.Agent) ? DeskRole.Agent : DeskRole.Requester;
            foreach (var e in Enum.GetValues<NotificationEvent>())
                result[(user.Id, e)] = own.FirstOrDefault(p => p.UserId == user.Id && p.Event == e)?.Channels
                    ?? defaults.FirstOrDefault(p => p.Role == role && p.Event == e)?.Channels
                    ?? BuiltInDefault;
        }

        return result;
    }

    private static void RequireAdmin(Actor actor)
    {
        if (!actor.IsAdmin)
            throw new DeskForbiddenException("Only admins can set the defaults of a role.");
    }
}

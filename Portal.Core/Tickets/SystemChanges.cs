using Microsoft.EntityFrameworkCore;
using Portal.Core.Persistence;
using Portal.Core.Security;

namespace Portal.Core.Tickets;

/// <summary>
/// Changes that rules and escalations make to a ticket on nobody's behalf, each written to the history with a
/// note of what made it ("by rule …"). Every method leaves the ticket alone when the target is not valid for its
/// department, and returns whether it changed anything. The caller saves.
/// </summary>
internal static class SystemChanges
{
    public static void History(DeskDbContext db, Ticket ticket, DateTime now, TicketEventKind kind, string subject, string? oldValue,
        string? newValue, bool isPublic, string? note, Action<TicketEvent>? record = null) =>
        Add(db, record, new TicketEvent
        {
            TicketId = ticket.Id, At = now, Kind = kind, Subject = subject, OldValue = oldValue, NewValue = newValue, IsPublic = isPublic, Body = note,
        });

    /// <summary>Adds the entry to the unit of work, or hands it to <paramref name="record"/> (a change that collects its entries).</summary>
    private static void Add(DeskDbContext db, Action<TicketEvent>? record, TicketEvent e)
    {
        if (record is null)
            db.TicketEvents.Add(e);
        else
            record(e);
    }

    public static async Task<bool> SetTeamAsync(DeskDbContext db, Ticket ticket, int teamId, DateTime now, string? note, CancellationToken ct,
        Action<TicketEvent>? record = null)
    {
        if (teamId == ticket.TeamId
            || await db.Teams.Where(t => t.Id == teamId && t.DepartmentId == ticket.DepartmentId).Select(t => t.Name).FirstOrDefaultAsync(ct) is not { } team)
            return false;
        var old = ticket.TeamId is null ? null : await db.Teams.Where(t => t.Id == ticket.TeamId).Select(t => t.Name).FirstOrDefaultAsync(ct);
        History(db, ticket, now, TicketEventKind.TeamChanged, "Team", old, team, false, note, record);
        ticket.TeamId = teamId;
        return true;
    }

    /// <summary>Assigns to an active agent or supervisor of the ticket's department.</summary>
    public static async Task<bool> SetAssigneeAsync(DeskDbContext db, Ticket ticket, string userId, DateTime now, string? note, CancellationToken ct,
        Action<TicketEvent>? record = null)
    {
        if (userId == ticket.AssigneeId
            || await db.Users.Where(u => u.Id == userId && u.IsActive && (u.Roles & (DeskRole.Agent | DeskRole.Supervisor)) != 0
                && u.Departments.Any(d => d.DepartmentId == ticket.DepartmentId)).Select(u => u.DisplayName).FirstOrDefaultAsync(ct) is not { } person)
            return false;
        var old = ticket.AssigneeId is null ? null : await db.Users.Where(u => u.Id == ticket.AssigneeId).Select(u => u.DisplayName).FirstOrDefaultAsync(ct);
        History(db, ticket, now, TicketEventKind.AssigneeChanged, "Assignee", old, person, true, note, record);
        ticket.AssigneeId = userId;
        return true;
    }

    public static bool SetPriority(DeskDbContext db, Ticket ticket, TicketPriority priority, DateTime now, string? note, Action<TicketEvent>? record = null)
    {
        if (priority == ticket.Priority)
            return false;
        Add(db, record, TicketEvent.PriorityChange(ticket.Id, now, ticket.Priority, priority, note: note));
        ticket.Priority = priority;
        return true;
    }

    /// <summary>Adds the active people among <paramref name="userIds"/> who are not watching yet; returns how many.</summary>
    public static async Task<int> AddWatchersAsync(DeskDbContext db, Ticket ticket, IReadOnlyCollection<string> userIds, DateTime now, string? note,
        CancellationToken ct, Action<TicketEvent>? record = null)
    {
        if (userIds.Count == 0)
            return 0;
        var existing = await db.TicketWatchers.Where(w => w.TicketId == ticket.Id).Select(w => w.UserId).ToListAsync(ct);
        var add = await db.Users.Where(u => userIds.Contains(u.Id) && u.IsActive && !existing.Contains(u.Id))
            .Select(u => new { u.Id, u.DisplayName }).ToListAsync(ct);
        foreach (var w in add)
        {
            db.TicketWatchers.Add(new TicketWatcher { TicketId = ticket.Id, UserId = w.Id });
            History(db, ticket, now, TicketEventKind.WatcherAdded, "Watcher", null, w.DisplayName, false, note, record);
        }

        return add.Count;
    }
}

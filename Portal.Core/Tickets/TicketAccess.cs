using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Persistence;
using Portal.Core.Security;

namespace Portal.Core.Tickets;

/// <summary>
/// The one rule for who may see and who may work a ticket, for queries (<see cref="Visible"/>) and in memory
/// (<see cref="MaySee(Actor, int, string, IEnumerable{string})"/>): staff of its department see and work it (an admin
/// every department's); its requester and its watchers see it (without internal notes and agent-only fields).
/// A catalog request's task (a ticket with a parent) is department work: only staff see it; its requester is the
/// request's requester for display, and she follows the request itself (<see cref="RequesterTakesPart"/>).
/// Every feature that reads or changes a ticket on someone's behalf asks here.
/// </summary>
public static class TicketAccess
{
    /// <summary>Works the ticket: changes it, reads its internal notes.</summary>
    public static bool MayWork(Actor actor, int departmentId) => actor.CanWorkIn(departmentId);

    /// <summary>For a request (a ticket without a parent).</summary>
    public static bool MaySee(Actor actor, int departmentId, string requesterId, IEnumerable<string> watcherIds) =>
        MayWork(actor, departmentId) || requesterId == actor.UserId || watcherIds.Contains(actor.UserId);

    /// <summary>In memory, for a ticket loaded with its watchers.</summary>
    public static bool MaySee(Actor actor, Ticket ticket) =>
        RequesterTakesPart(ticket)
            ? MaySee(actor, ticket.DepartmentId, ticket.RequesterId, ticket.Watchers.Select(w => w.UserId))
            : MayWork(actor, ticket.DepartmentId);

    /// <summary>
    /// Whether the ticket's requester and watchers take part in it: yes for a request, no for a catalog request's task
    /// (they hear of the request instead; nothing on a task reaches them).
    /// </summary>
    public static bool RequesterTakesPart(Ticket ticket) => ticket.ParentId is null;

    /// <summary>The same rule as a query filter.</summary>
    public static Expression<Func<Ticket, bool>> Visible(Actor actor)
    {
        if (actor.IsAdmin)
            return t => true;
        var userId = actor.UserId;
        var works = actor.IsAgent || actor.IsSupervisor ? actor.DepartmentIds.ToList() : [];
        return t => works.Contains(t.DepartmentId)
            || (t.ParentId == null && (t.RequesterId == userId || t.Watchers.Any(w => w.UserId == userId)));
    }

    /// <summary>The ticket, tracked and with its watchers, when the actor may see it; not found otherwise (never "forbidden", which would say it exists).</summary>
    public static async Task<Ticket> SeenAsync(DeskDbContext db, Actor actor, int ticketId, CancellationToken ct)
    {
        var ticket = await db.Tickets.Include(t => t.Watchers).FirstOrDefaultAsync(t => t.Id == ticketId, ct);
        if (ticket is null || !MaySee(actor, ticket))
            throw new DeskNotFoundException($"Ticket {ticketId} does not exist or you may not see it.");
        return ticket;
    }
}

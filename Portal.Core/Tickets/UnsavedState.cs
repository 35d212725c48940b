using Microsoft.EntityFrameworkCore;
using Portal.Core.Persistence;

namespace Portal.Core.Tickets;

/// <summary>
/// A ticket's state as it will be once the unit of work saves: what the database holds, with the changes in hand. The
/// pipeline evaluates rules and the SLA before its one save, so they read through here rather than re-reading rows
/// they have just changed.
/// </summary>
internal static class UnsavedState
{
    /// <summary>The field values of the tickets: stored ones (tracked ones with their new values), less removed ones, plus added ones.</summary>
    public static async Task<ILookup<int, TicketFieldValue>> FieldValuesAsync(DeskDbContext db, IReadOnlyCollection<int> ticketIds, CancellationToken ct)
    {
        var stored = await db.TicketFieldValues.Where(v => ticketIds.Contains(v.TicketId)).ToListAsync(ct);
        var pending = db.ChangeTracker.Entries<TicketFieldValue>().Where(e => e.State is EntityState.Added or EntityState.Deleted).ToList();
        if (pending.Count == 0)
            return stored.ToLookup(v => v.TicketId);
        var removed = pending.Where(e => e.State == EntityState.Deleted).Select(e => e.Entity).ToHashSet(ReferenceEqualityComparer.Instance);
        return stored.Where(v => !removed.Contains(v))
            .Concat(pending.Where(e => e.State == EntityState.Added && ticketIds.Contains(e.Entity.TicketId)).Select(e => e.Entity))
            .ToLookup(v => v.TicketId);
    }

    /// <summary>The history entries added to these tickets in this unit of work and not saved yet, in the order they were added.</summary>
    public static IEnumerable<TicketEvent> Events(DeskDbContext db, IReadOnlyCollection<int> ticketIds) =>
        db.ChangeTracker.Entries<TicketEvent>().Where(e => e.State == EntityState.Added && ticketIds.Contains(e.Entity.TicketId))
            .Select(e => e.Entity);
}

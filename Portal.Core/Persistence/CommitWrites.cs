using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Portal.Core.Persistence;

/// <summary>
/// The writes a unit of work owes at its end, made as the last statements before its transaction commits: the
/// reporting facts and rollups of the tickets it changed (once, however many saves it made), then its audit entries.
/// The rows many writers share (a day's rollups, the audit chain's head) are thus locked only for those statements and
/// the commit, not through the unit of work's other steps. A rollback drops what waited.
/// </summary>
internal sealed class CommitWrites : DbTransactionInterceptor
{
    public override InterceptionResult TransactionCommitting(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result)
    {
        WriteAsync(eventData.Context, CancellationToken.None).GetAwaiter().GetResult();
        return result;
    }

    public override async ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData,
        InterceptionResult result, CancellationToken cancellationToken = default)
    {
        await WriteAsync(eventData.Context, cancellationToken);
        return result;
    }

    /// <summary>A transaction starts with no audit entries waiting (those of one disposed without a commit or rollback are void).</summary>
    public override DbTransaction TransactionStarted(System.Data.Common.DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
    {
        (eventData.Context as DeskDbContext)?.PendingAudit.Clear();
        return result;
    }

    public override ValueTask<DbTransaction> TransactionStartedAsync(System.Data.Common.DbConnection connection, TransactionEndEventData eventData,
        DbTransaction result, CancellationToken cancellationToken = default)
    {
        (eventData.Context as DeskDbContext)?.PendingAudit.Clear();
        return ValueTask.FromResult(result);
    }

    public override void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Drop(eventData.Context);

    public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Drop(eventData.Context);
        return Task.CompletedTask;
    }

    public override void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => Drop(eventData.Context);

    public override Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Drop(eventData.Context);
        return Task.CompletedTask;
    }

    private static async Task WriteAsync(Microsoft.EntityFrameworkCore.DbContext? context, CancellationToken ct)
    {
        // A save's own transaction (a save without the caller's) commits inside the save, whose interceptors write then.
        if (context is not DeskDbContext { Saving: false } db)
            return;
        await Reporting.FactWriter.FlushAsync(db, ct);
        await AuditTrail.FlushAsync(db, ct);
    }

    private static void Drop(Microsoft.EntityFrameworkCore.DbContext? context)
    {
        if (context is not DeskDbContext { Saving: false } db)
            return;
        db.PendingAudit.Clear();
        db.FactTickets.Clear();
        db.NewTickets.Clear();
    }
}

using Microsoft.EntityFrameworkCore;
using Portal.Core.Operations;
using Portal.Core.Persistence;

namespace Portal.Core.Approvals;

/// <summary>
/// The active approval steps, read once per configuration version (like the SLA policies): filing asks for a category's
/// and catalog item's steps without a query inside its transaction. An admin's edit bumps the version, so this node
/// reads them again at once and the others within one sweep interval.
/// </summary>
public sealed class ApprovalStepCache(IDbContextFactory<DeskDbContext> dbFactory, ConfigurationVersion configuration)
{
    private sealed record Snapshot(long Version, ILookup<int, ApprovalStep> ByCategory, ILookup<int, ApprovalStep> ByItem);

    private volatile Snapshot? _snapshot;

    /// <summary>The steps of a category, then those of a catalog item, each in order. Never change what is returned.</summary>
    public async Task<IReadOnlyList<ApprovalStep>> ForAsync(int categoryId, int? catalogItemId, CancellationToken ct = default)
    {
        var version = await configuration.CurrentAsync(ct);
        var snapshot = _snapshot;
        if (snapshot is null || snapshot.Version != version)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var steps = await db.ApprovalSteps.AsNoTracking().Where(s => s.IsActive).OrderBy(s => s.Order).ThenBy(s => s.Id).ToListAsync(ct);
            snapshot = new Snapshot(version, steps.Where(s => s.CategoryId is not null).ToLookup(s => s.CategoryId!.Value),
                steps.Where(s => s.CatalogItemId is not null).ToLookup(s => s.CatalogItemId!.Value));
            _snapshot = snapshot;
        }

        var found = snapshot.ByCategory[categoryId];
        return catalogItemId is { } item ? found.Concat(snapshot.ByItem[item]).ToList() : found.ToList();
    }
}

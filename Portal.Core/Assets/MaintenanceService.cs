using Portal.Core.Audit;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Departments;
using Portal.Core.Persistence;
using Portal.Core.Security;
using Portal.Core.Tickets;
using Portal.Core.Handling;

namespace Portal.Core.Assets;

public sealed record MaintenanceInput(string? Title, int Every, MaintenanceUnit Unit, DateOnly FirstDueOn, bool ForWholeType = false);

/// <summary>
/// Preventive maintenance: schedules per asset (agents of its department) or per asset type (admins), and the run that
/// files a maintenance ticket in the asset's department once per schedule, asset and due date, even across restarts.
/// </summary>
public sealed class MaintenanceService(IDbContextFactory<DeskDbContext> dbFactory, TimeProvider clock, TicketFiling filing,
    TicketPipeline pipeline)
{
    /// <summary>The category maintenance tickets are filed under in each department (made when first needed).</summary>
    public const string CategoryName = "Preventive maintenance";

    private DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    public async Task<IReadOnlyList<MaintenanceView>> ListForAssetAsync(Actor actor, int assetId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var asset = await db.Assets.AsNoTracking().FirstOrDefaultAsync(a => a.Id == assetId, ct);
        if (asset is null || !actor.CanWorkIn(asset.DepartmentId))
            throw new DeskNotFoundException($"Asset {assetId} does not exist or you may not see it.");
        return await db.MaintenanceSchedules.AsNoTracking()
            .Where(s => s.AssetId == assetId || s.AssetTypeId == asset.TypeId)
            .OrderBy(s => s.NextDueOn)
            .Select(s => new MaintenanceView(s.Id, s.Title, s.Every, s.Unit, s.NextDueOn, s.AssetTypeId != null,
                s.AssetTypeId != null ? s.AssetType!.Name : "", s.IsActive))
            .ToListAsync(ct);
    }

    public async Task<int> AddAsync(Actor actor, int assetId, MaintenanceInput input, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var asset = await db.Assets.AsNoTracking().FirstOrDefaultAsync(a => a.Id == assetId, ct);
        if (asset is null || !actor.CanWorkIn(asset.DepartmentId))
            throw new DeskNotFoundException($"Asset {assetId} does not exist or you may not change it.");
        if (input.ForWholeType && !actor.IsAdmin)
            throw new DeskForbiddenException("Only admins plan maintenance for every asset of a type (it reaches every department).");
        var errors = new ValidationErrors();
        var title = input.Title?.Trim() ?? "";
        errors.Required("Title", title, "Title");
        errors.MaxLength("Title", title, TicketLimits.TitleMax - 60, "Title");
        if (input.Every is < 1 or > 365)
            errors.Add("Every", $"Every must be between 1 and 365 (got {input.Every}).");
        if (!Enum.IsDefined(input.Unit))
            errors.Add("Unit", $"Unit {input.Unit} does not exist.");
        if (input.FirstDueOn < Today)
            errors.Add("FirstDueOn", $"The first due date must be today ({Today:yyyy-MM-dd}) or later.");
        errors.ThrowIfAny();
        var schedule = new MaintenanceSchedule
        {
            AssetId = input.ForWholeType ? null : assetId, AssetTypeId = input.ForWholeType ? asset.TypeId : null, Title = title,
            Every = input.Every, Unit = input.Unit, NextDueOn = input.FirstDueOn, CreatedById = actor.UserId,
        };
        db.MaintenanceSchedules.Add(schedule);
        await db.SaveChangesAsync(ct);
        return schedule.Id;
    }

    public async Task SetActiveAsync(Actor actor, int scheduleId, bool active, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var schedule = await db.MaintenanceSchedules.Include(s => s.Asset).FirstOrDefaultAsync(s => s.Id == scheduleId, ct);
        var allowed = schedule is not null && (schedule.Asset is { } a ? actor.CanWorkIn(a.DepartmentId) : actor.IsAdmin);
        if (!allowed)
            throw new DeskNotFoundException($"Maintenance schedule {scheduleId} does not exist or you may not change it.");
        schedule!.IsActive = active;
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Files the tickets of every schedule due by today. After downtime, a schedule files one ticket for its latest
    /// due date (not one per missed date) and moves on. Returns how many tickets were filed.
    /// </summary>
    public async Task<int> RunDueAsync(CancellationToken ct = default)
    {
        var today = Today;
        List<MaintenanceSchedule> due;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            due = await db.MaintenanceSchedules.AsNoTracking().Where(s => s.IsActive && s.NextDueOn <= today).ToListAsync(ct);

        var filed = 0;
        foreach (var schedule in due)
        {
            var dueOn = schedule.NextDueOn;
            while (schedule.After(dueOn) <= today)
                dueOn = schedule.After(dueOn);
            List<int> assetIds;
            await using (var db = await dbFactory.CreateDbContextAsync(ct))
            {
                assetIds = await db.Assets.AsNoTracking()
                    .Where(a => a.Status != AssetStatus.Retired
                        && (schedule.AssetId != null ? a.Id == schedule.AssetId : a.TypeId == schedule.AssetTypeId))
                    .Select(a => a.Id).ToListAsync(ct);
            }

            foreach (var assetId in assetIds)
                filed += await FileOnceAsync(schedule, assetId, dueOn, ct) ? 1 : 0;

            await using (var db = await dbFactory.CreateDbContextAsync(ct))
            {
                // Guarded: when another node moved it on first, this changes nothing.
                await db.MaintenanceSchedules.Where(s => s.Id == schedule.Id && s.NextDueOn == schedule.NextDueOn)
                    .ExecuteUpdateAsync(u => u.SetProperty(s => s.NextDueOn, schedule.After(dueOn)), ct);
            }
        }

        return filed;
    }

    private async Task<bool> FileOnceAsync(MaintenanceSchedule schedule, int assetId, DateOnly dueOn, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Acting = AuditActing.Job("maintenance");
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await db.MaintenanceRuns.AnyAsync(r => r.ScheduleId == schedule.Id && r.AssetId == assetId && r.DueOn == dueOn, ct))
            return false;
        var asset = await db.Assets.AsNoTracking().FirstAsync(a => a.Id == assetId, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var typeId = await BuiltInTypes.IdAsync(db, TicketKind.Maintenance, ct);

        var category = await db.Categories.FirstOrDefaultAsync(c => c.DepartmentId == asset.DepartmentId && c.Purpose == CategoryPurpose.Maintenance, ct);
        if (category is null)
        {
            category = new Category
            {
                DepartmentId = asset.DepartmentId, Name = CategoryName, Purpose = CategoryPurpose.Maintenance, Description = "Planned maintenance of assets",
            };
            db.Categories.Add(category);
            await db.SaveChangesAsync(ct);
        }

        var location = AssetDisplay.Location(asset.Site, asset.Building, asset.Floor, asset.Room);
        var description = $"Preventive maintenance due on {dueOn:yyyy-MM-dd} ({AssetDisplay.Every(schedule.Every, schedule.Unit)}).\n"
            + $"Asset {asset.Tag}: {asset.Name}{(location.Length > 0 ? $", {location}" : "")}.";
        try
        {
            var change = await filing.FileInTransactionAsync(db, schedule.CreatedById, asset.DepartmentId, category.Id, typeId,
                $"{schedule.Title}: {asset.Tag} {asset.Name}", description, now,
                (t, _) => db.TicketAssets.Add(new TicketAsset { TicketId = t.Id, AssetId = asset.Id, LinkedAt = now }), ct);
            db.MaintenanceRuns.Add(new MaintenanceRun { ScheduleId = schedule.Id, AssetId = asset.Id, DueOn = dueOn, TicketId = change.Ticket.Id, CreatedAt = now });
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            pipeline.Publish(change);
            return true;
        }
        catch (DbUpdateException)
        {
            // Another node filed it first (the run's key), or took the department's next number: the next run looks again.
            await tx.RollbackAsync(ct);
            return false;
        }
    }
}

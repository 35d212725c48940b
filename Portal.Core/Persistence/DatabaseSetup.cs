using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Portal.Core.Departments;
using Portal.Core.Tickets;

namespace Portal.Core.Persistence;

/// <summary>Applies migrations and the reference data every install needs (ticket types, the three departments).</summary>
public sealed class DatabaseSetup(IDbContextFactory<DeskDbContext> dbFactory)
{
    public static readonly string[] DefaultAssetTypes = ["Laptop", "Desktop", "Phone", "Printer", "Machine", "Vehicle", "Room"];

    /// <summary>
    /// Copies the live database to <paramref name="target"/> through SQLite's online backup (a consistent snapshot while
    /// the app keeps writing), refusing to overwrite a file, then checks the copy; returns its size and ticket count.
    /// </summary>
    public async Task<(long Bytes, int Tickets)> BackupAsync(string target, CancellationToken ct = default)
    {
        if (File.Exists(target))
            throw new Common.DeskValidationException("target", $"{target} already exists; choose a new file name (a backup never overwrites).");
        var folder = Path.GetDirectoryName(Path.GetFullPath(target))!;
        if (!Directory.Exists(folder))
            throw new Common.DeskValidationException("target", $"The folder {folder} does not exist.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (db.Database.GetDbConnection() is not Microsoft.Data.Sqlite.SqliteConnection source)
            throw new Common.DeskValidationException("target", "backup copies the embedded SQLite database; on PostgreSQL use pg_dump (docs/operations.md, Backup and restore).");
        await source.OpenAsync(ct);
        await using (var copy = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={target};Pooling=False"))
        {
            await copy.OpenAsync(ct);
            source.BackupDatabase(copy);
            await using var check = copy.CreateCommand();
            check.CommandText = "PRAGMA integrity_check";
            if (await check.ExecuteScalarAsync(ct) is not "ok")
                throw new InvalidOperationException($"The copy at {target} failed SQLite's integrity check.");
        }

        await using var counted = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={target};Mode=ReadOnly;Pooling=False");
        await counted.OpenAsync(ct);
        await using var count = counted.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM \"Tickets\"";
        var tickets = Convert.ToInt32(await count.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
        return (new FileInfo(target).Length, tickets);
    }

    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // A new database has no history table yet: asking it for applied migrations would log a failed query first.
        var pending = await db.Database.GetService<Microsoft.EntityFrameworkCore.Migrations.IHistoryRepository>().ExistsAsync(ct)
            ? (await db.Database.GetPendingMigrationsAsync(ct)).ToList()
            : db.Database.GetMigrations().ToList();
        await db.Database.MigrateAsync(ct);
        await EnsureReferenceDataAsync(db, ct);
        return pending;
    }

    private static async Task EnsureReferenceDataAsync(DeskDbContext db, CancellationToken ct)
    {
        await BuiltInTypes.EnsureAsync(db, ct);

        if (!await db.AssetTypes.AnyAsync(ct))
            db.AssetTypes.AddRange(DefaultAssetTypes.Select(n => new Assets.AssetType { Name = n }));

        if (!await db.Departments.AnyAsync(ct))
        {
            db.Departments.AddRange(
                new Department { Code = "IT", Name = "IT", Description = "Laptops, accounts, access, software and systems." },
                new Department { Code = "HR", Name = "HR", Description = "Payroll, leave, onboarding and people questions." },
                new Department { Code = "FAC", Name = "Facilities", Description = "Buildings, rooms, repairs and equipment." });
        }

        if (!await db.SlaPolicies.AnyAsync(ct))
        {
            var calendar = await db.SlaCalendars.FirstOrDefaultAsync(ct) ?? new Sla.SlaCalendarRecord
            {
                Name = "24x7 (UTC)", Definition = """{"timeZone":"UTC"}""",
            };
            db.SlaPolicies.Add(new Sla.SlaPolicyRecord
            {
                Name = "Standard", IsDefault = true, Order = 1000, Calendar = calendar, Targets = StandardTargets,
                PauseOn = StandardPauseOn, WarnAt = "[0.75,0.9]",
            });
        }

        await db.SaveChangesAsync(ct);
        await EnsureComplaintPolicyAsync(db, ct);
        await EnsureCatalogAsync(db, ct);
    }

    /// <summary>
    /// The first service catalog of an install that has the usual departments (HR, IT, Facilities by code): Onboarding a
    /// new hire, Offboarding and Office move, each with its form and its tasks. Made once; admins change them after.
    /// </summary>
    private static async Task EnsureCatalogAsync(DeskDbContext db, CancellationToken ct)
    {
        if (await db.CatalogItems.AnyAsync(ct))
            return;
        var departments = await db.Departments.Where(d => d.Code == "HR" || d.Code == "IT" || d.Code == "FAC").ToDictionaryAsync(d => d.Code, d => d.Id, ct);
        if (departments.Count < 3)
            return;
        Catalog.CatalogItem Item(string owner, string name, string description, (string Label, FieldKind Kind)[] fields,
            params (string Department, string Title, int? WaitsFor)[] tasks)
        {
            var category = new Category { DepartmentId = departments[owner], Name = name, Description = description };
            category.Fields.AddRange(fields.Select((f, i) => new CustomField { Label = f.Label, Kind = f.Kind, Required = i < 2, SortOrder = i }));
            db.Categories.Add(category);
            return new Catalog.CatalogItem
            {
                Name = name, Description = description, DepartmentId = departments[owner], Category = category,
                Tasks = tasks.Select((t, i) => new Catalog.CatalogTask
                {
                    Order = i + 1, DepartmentId = departments[t.Department], Title = t.Title, WaitsForOrder = t.WaitsFor,
                }).ToList(),
            };
        }

        db.CatalogItems.AddRange(
            Item("HR", "Onboarding a new hire", "Everything a new colleague needs on their first day.",
                [("New hire's name", FieldKind.Text), ("First day", FieldKind.Date), ("Job title", FieldKind.Text)],
                ("HR", "Prepare the employment contract", null), ("IT", "Create accounts and email", 1), ("IT", "Issue a laptop", null),
                ("FAC", "Prepare a desk and a badge", null)),
            Item("HR", "Offboarding", "A colleague leaves: pay, accounts, equipment and badge.",
                [("Leaver's name", FieldKind.Text), ("Last day", FieldKind.Date)],
                ("HR", "Final pay and leaving papers", null), ("IT", "Disable accounts and collect the laptop", null),
                ("FAC", "Collect the badge and clear the desk", 2)),
            Item("FAC", "Office move", "People or a team move desks, rooms or floors.",
                [("Who moves", FieldKind.Text), ("Moving day", FieldKind.Date), ("New location", FieldKind.Text)],
                ("FAC", "Plan the move and book the movers", null), ("IT", "Move and reconnect equipment", 1),
                ("FAC", "Update the floor plan and signs", 2)));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// The complaint policy regulators expect, made when no policy applies to the Complaint type: acknowledge within two
    /// business days (16 hours of an 8-hour day) and give the final response within eight weeks (40 business days,
    /// 320 hours), Monday to Friday 09:00-17:00, every priority alike, never paused. Admins change it like any policy.
    /// </summary>
    private static async Task EnsureComplaintPolicyAsync(DeskDbContext db, CancellationToken ct)
    {
        var typeId = await BuiltInTypes.IdAsync(db, TicketKind.Complaint, ct);
        var conditions = await db.SlaPolicies.Select(p => p.Conditions).ToListAsync(ct);
        if (conditions.Any(c => Sla.SlaConfiguration.ParseConditions(c).Types.Contains(typeId)))
            return;
        var calendar = await db.SlaCalendars.FirstOrDefaultAsync(c => c.Name == ComplaintCalendarName, ct) ?? new Sla.SlaCalendarRecord
        {
            Name = ComplaintCalendarName,
            Definition = """{"timeZone":"UTC","week":{"Mon":["09:00-17:00"],"Tue":["09:00-17:00"],"Wed":["09:00-17:00"],"Thu":["09:00-17:00"],"Fri":["09:00-17:00"]}}""",
        };
        db.SlaPolicies.Add(new Sla.SlaPolicyRecord
        {
            Name = Complaints.ComplaintService.PolicyName, Order = 5, Calendar = calendar,
            Conditions = Sla.SlaConfiguration.WriteConditions(new Sla.PolicyConditions { Types = [typeId] }),
            Targets = ComplaintTargets, PauseOn = "[]", WarnAt = "[0.5,0.75,0.9]",
        });
        await db.SaveChangesAsync(ct);
    }

    public const string ComplaintCalendarName = "Complaint handling (Mon-Fri 09:00-17:00 UTC)";

    /// <summary>Acknowledgement (first response) in 2 business days, final response (resolution) in 8 weeks, for every priority.</summary>
    public const string ComplaintTargets = """
        {"Low":{"firstResponse":"PT16H","resolution":"PT320H"},"Normal":{"firstResponse":"PT16H","resolution":"PT320H"},
         "High":{"firstResponse":"PT16H","resolution":"PT320H"},"Critical":{"firstResponse":"PT16H","resolution":"PT320H"}}
        """;

    /// <summary>The default policy of a fresh install, until admins shape their own.</summary>
    public const string StandardTargets = """
        {"Low":{"firstResponse":"PT8H","resolution":"PT40H"},
         "Normal":{"firstResponse":"PT4H","nextResponse":"PT8H","resolution":"PT24H"},
         "High":{"firstResponse":"PT1H","nextResponse":"PT4H","resolution":"PT8H"},
         "Critical":{"firstResponse":"PT30M","nextResponse":"PT1H","resolution":"PT4H"}}
        """;

    /// <summary>Waiting on the requester or on hold pauses the resolution and next response, not the first answer.</summary>
    public const string StandardPauseOn = """
        {"nextResponse":["PendingRequester","OnHold"],"resolution":["PendingRequester","OnHold"]}
        """;
}

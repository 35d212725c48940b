using Microsoft.EntityFrameworkCore;
using Portal.Core.Departments;
using Portal.Core.Tickets;

namespace Portal.Core.Persistence;

/// <summary>Applies migrations and the reference data every install needs (ticket types, the three departments).</summary>
public sealed class DatabaseSetup(IDbContextFactory<DeskDbContext> dbFactory)
{
    public static readonly string[] DefaultTypes = ["Request", "Incident", "Security incident", "Compliance complaint", "Complaint"];

    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
        await db.Database.MigrateAsync(ct);
        await EnsureReferenceDataAsync(db, ct);
        return pending;
    }

    private static async Task EnsureReferenceDataAsync(DeskDbContext db, CancellationToken ct)
    {
        if (!await db.TicketTypes.AnyAsync(ct))
        {
            db.TicketTypes.AddRange(DefaultTypes.Select(n => new TicketType { Name = n }));
        }

        if (!await db.Departments.AnyAsync(ct))
        {
            db.Departments.AddRange(
                new Department { Code = "IT", Name = "IT", Description = "Laptops, accounts, access, software and systems." },
                new Department { Code = "HR", Name = "HR", Description = "Payroll, leave, onboarding and people questions." },
                new Department { Code = "FAC", Name = "Facilities", Description = "Buildings, rooms, repairs and equipment." });
        }

        await db.SaveChangesAsync(ct);
    }
}

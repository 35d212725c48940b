using Microsoft.EntityFrameworkCore;
using Portal.Core.Persistence;

namespace Portal.Core.Departments;

/// <summary>The ticket types every install has, found by their fixed kind; their names are only where they start.</summary>
public static class BuiltInTypes
{
    /// <summary>Each built-in kind with the name it is seeded under (an admin may rename it afterwards).</summary>
    public static readonly IReadOnlyList<(TicketKind Kind, string Name)> Seeded =
    [
        (TicketKind.Request, "Request"),
        (TicketKind.Incident, "Incident"),
        (TicketKind.SecurityIncident, "Security incident"),
        (TicketKind.ComplianceComplaint, "Compliance complaint"),
        (TicketKind.Complaint, "Complaint"),
        (TicketKind.Maintenance, "Maintenance"),
    ];

    /// <summary>The id of the type of that kind (seeded with the reference data, so always there).</summary>
    internal static Task<int> IdAsync(DeskDbContext db, TicketKind kind, CancellationToken ct) =>
        db.TicketTypes.Where(t => t.Kind == kind).Select(t => t.Id).FirstAsync(ct);

    /// <summary>Adds every built-in type the database lacks, under its seeded name (or that name with its kind when taken).</summary>
    internal static async Task EnsureAsync(DeskDbContext db, CancellationToken ct)
    {
        var present = await db.TicketTypes.Select(t => new { t.Kind, t.Name }).ToListAsync(ct);
        foreach (var (kind, name) in Seeded.Where(s => present.All(p => p.Kind != s.Kind)))
        {
            var free = present.All(p => !string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
            db.TicketTypes.Add(new TicketType { Kind = kind, Name = free ? name : $"{name} ({kind})" });
        }
    }
}

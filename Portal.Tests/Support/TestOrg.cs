using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Departments;
using Portal.Core.Persistence;
using Portal.Core.Security;
using Portal.Core.Users;

namespace Portal.Tests.Support;

/// <summary>A small organisation with known people, departments, categories and fields for tests.</summary>
public sealed class TestOrg
{
    public const string Password = "Test!pass1";
    private static readonly Lazy<string> Hash = new(() => new PasswordHasher<DeskUser>().HashPassword(new DeskUser(), Password));

    public required Department It { get; init; }
    public required Department Hr { get; init; }
    public required Category Laptop { get; init; }
    public required Category Payroll { get; init; }
    public required CustomField AssetTag { get; init; }
    public required CustomField Os { get; init; }
    public required CustomField Affected { get; init; }
    public required CustomField Since { get; init; }
    public required CustomField CanWork { get; init; }
    public required CustomField Diagnosis { get; init; }
    public required Team ServiceDesk { get; init; }
    public required Team HrTeam { get; init; }
    public required DeskUser Admin { get; init; }
    public required DeskUser ItAgent { get; init; }
    public required DeskUser ItAgent2 { get; init; }
    public required DeskUser ItSupervisor { get; init; }
    public required DeskUser HrAgent { get; init; }
    public required DeskUser Requester { get; init; }
    public required DeskUser OtherRequester { get; init; }
    public required DeskUser Deactivated { get; init; }

    public Actor ActorFor(DeskUser user) =>
        new(user.Id, user.DisplayName, user.Roles, user.Departments.Select(d => d.DepartmentId).ToHashSet());

    public IReadOnlyDictionary<string, DeskUser> ByRole => new Dictionary<string, DeskUser>
    {
        ["Admin"] = Admin, ["ItAgent"] = ItAgent, ["ItSupervisor"] = ItSupervisor, ["HrAgent"] = HrAgent,
        ["Requester"] = Requester, ["OtherRequester"] = OtherRequester,
    };

    public static async Task<TestOrg> SeedAsync(IDbContextFactory<DeskDbContext> factory)
    {
        await using var db = await factory.CreateDbContextAsync();
        var it = await db.Departments.SingleAsync(d => d.Code == "IT");
        var hr = await db.Departments.SingleAsync(d => d.Code == "HR");

        static DeskUser Person(string name, DeskRole roles, string tags = "", bool active = true)
        {
            var email = name.ToLowerInvariant().Replace(' ', '.') + "@test.example";
            return new DeskUser
            {
                UserName = email, NormalizedUserName = email.ToUpperInvariant(), Email = email, NormalizedEmail = email.ToUpperInvariant(),
                EmailConfirmed = true, PasswordHash = Hash.Value, SecurityStamp = Guid.NewGuid().ToString("N"), DisplayName = name,
                Roles = roles, Tags = tags, IsActive = active, LockoutEnabled = true,
            };
        }

        var admin = Person("Ann Admin", DeskRole.Admin);
        var itAgent = Person("Ian Agent", DeskRole.Agent);
        var itAgent2 = Person("Ida Agent", DeskRole.Agent);
        var itSupervisor = Person("Sue Supervisor", DeskRole.Supervisor);
        var hrAgent = Person("Hal Agent", DeskRole.Agent);
        var requester = Person("Rita Requester", DeskRole.Requester, "VIP");
        var other = Person("Otto Other", DeskRole.Requester);
        var deactivated = Person("Dee Gone", DeskRole.Agent, active: false);
        foreach (var u in new[] { itAgent, itAgent2, itSupervisor, deactivated })
            u.Departments.Add(new DepartmentMember { DepartmentId = it.Id });
        hrAgent.Departments.Add(new DepartmentMember { DepartmentId = hr.Id });
        requester.Manager = itSupervisor;
        db.Users.AddRange(admin, itAgent, itAgent2, itSupervisor, hrAgent, requester, other, deactivated);

        var serviceDesk = new Team { DepartmentId = it.Id, Name = "Service Desk" };
        var hrTeam = new Team { DepartmentId = hr.Id, Name = "People" };
        serviceDesk.Members.Add(new TeamMember { User = itAgent });
        db.Teams.AddRange(serviceDesk, hrTeam);

        var assetTag = new CustomField { Label = "Asset tag", Kind = FieldKind.Text, Required = true, SortOrder = 0 };
        var os = new CustomField { Label = "Operating system", Kind = FieldKind.Choice, Required = true, Options = "Windows 11\nmacOS\nLinux", SortOrder = 1 };
        var affected = new CustomField { Label = "People affected", Kind = FieldKind.Number, SortOrder = 2 };
        var since = new CustomField { Label = "Since", Kind = FieldKind.Date, SortOrder = 3 };
        var canWork = new CustomField { Label = "Can you still work?", Kind = FieldKind.YesNo, SortOrder = 4 };
        var diagnosis = new CustomField { Label = "Diagnosis", Kind = FieldKind.Text, VisibleToRequester = false, SortOrder = 5 };
        var laptop = new Category { DepartmentId = it.Id, Name = "Laptop problem", Description = "Broken or slow laptop" };
        laptop.Fields.AddRange([assetTag, os, affected, since, canWork, diagnosis]);
        var payroll = new Category { DepartmentId = hr.Id, Name = "Payroll question", Description = "Pay slips" };
        db.Categories.AddRange(laptop, payroll);
        await db.SaveChangesAsync();

        return new TestOrg
        {
            It = it, Hr = hr, Laptop = laptop, Payroll = payroll, AssetTag = assetTag, Os = os, Affected = affected, Since = since,
            CanWork = canWork, Diagnosis = diagnosis, ServiceDesk = serviceDesk, HrTeam = hrTeam, Admin = admin, ItAgent = itAgent,
            ItAgent2 = itAgent2, ItSupervisor = itSupervisor, HrAgent = hrAgent, Requester = requester, OtherRequester = other,
            Deactivated = deactivated,
        };
    }
}

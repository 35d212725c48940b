using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Departments;
using Portal.Core.Security;
using Portal.Core.Tickets;
using Portal.Core.Users;
using Portal.Tests.Support;
using Portal.Core.Admin;
using Portal.Core.Handling;

namespace Portal.Tests.Persistence;

public class AdminServiceTests : IAsyncLifetime
{
    private TestDatabase _db = default!;
    private TestOrg Org => _db.Org;
    private Actor Admin => Org.ActorFor(Org.Admin);
    private DepartmentAdminService Departments => _db.Get<DepartmentAdminService>();
    private UserAdminService Users => _db.Get<UserAdminService>();

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();
    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task NewDepartment_WithCategoryAndFields_IsOfferedOnTheRequestForm()
    {
        var id = await Departments.SaveDepartmentAsync(Admin, new DepartmentInput(null, "leg", "Legal", "Contracts", Org.Admin.Id, true));
        var categoryId = await Departments.SaveCategoryAsync(Admin, new CategoryInput(null, id, "Contract review", "", true));
        await Departments.SaveFieldAsync(Admin, new CustomFieldInput(null, categoryId, "Counterparty", FieldKind.Text, true, "", true, 0, true));
        await Departments.SaveFieldAsync(Admin, new CustomFieldInput(null, categoryId, "Urgency", FieldKind.Choice, false, "Low, High\nHigh", true, 1, true));

        var catalog = _db.Get<DepartmentDirectory>();
        var legal = (await catalog.ListDepartmentsAsync()).Single(d => d.Code == "LEG");
        var fields = await catalog.ListFieldsAsync(Org.ActorFor(Org.Requester), categoryId);
        Assert.Equal("Legal", legal.Name);
        Assert.Equal(["Counterparty", "Urgency"], fields.Select(f => f.Label));
        Assert.Equal(["Low", "High"], fields[1].Options);

        var created = await _db.Get<TicketFiling>().CreateAsync(Org.ActorFor(Org.Requester),
            new NewTicketInput(id, categoryId, "Review NDA", "Please review", new Dictionary<int, string?> { [fields[0].Id] = "Acme" }, []));
        Assert.Equal("LEG-1", created.Key);
    }

    [Fact]
    public async Task SaveDepartment_BadInput_NamesFields()
    {
        var ex = await Assert.ThrowsAsync<DeskValidationException>(() =>
            Departments.SaveDepartmentAsync(Admin, new DepartmentInput(null, "I T", "", "", "nobody", true)));
        Assert.Contains("Code must be", ex.Errors["Code"]);
        Assert.Equal("Name is required.", ex.Errors["Name"]);
        Assert.Contains("active user", ex.Errors["HeadUserId"]);
    }

    [Fact]
    public async Task SaveDepartment_DuplicateCode_IsRefused()
    {
        var ex = await Assert.ThrowsAsync<DeskValidationException>(() =>
            Departments.SaveDepartmentAsync(Admin, new DepartmentInput(null, "IT", "Another IT", "", null, true)));
        Assert.Contains("already uses the code IT", ex.Errors["Code"]);
    }

    [Fact]
    public async Task SaveDepartment_CodeOfDepartmentWithTickets_CannotChange()
    {
        await TicketFactory.FileAsync(_db, Org.ActorFor(Org.Requester));
        var ex = await Assert.ThrowsAsync<DeskValidationException>(() =>
            Departments.SaveDepartmentAsync(Admin, new DepartmentInput(Org.It.Id, "ITX", "IT", "", null, true)));
        Assert.Contains("cannot change", ex.Errors["Code"]);
    }

    [Fact]
    public async Task SaveField_ChoiceWithoutOptions_IsRefused()
    {
        var ex = await Assert.ThrowsAsync<DeskValidationException>(() =>
            Departments.SaveFieldAsync(Admin, new CustomFieldInput(null, Org.Laptop.Id, "Colour", FieldKind.Choice, false, " ", true, 0, true)));
        Assert.Contains("at least one option", ex.Errors["Options"]);
    }

    [Fact]
    public async Task DeactivatedCategory_IsNoLongerOffered()
    {
        await Departments.SaveCategoryAsync(Admin, new CategoryInput(Org.Laptop.Id, Org.It.Id, "Laptop problem", "", false));
        Assert.DoesNotContain(await _db.Get<DepartmentDirectory>().ListCategoriesAsync(Org.It.Id), c => c.Id == Org.Laptop.Id);
        await Assert.ThrowsAsync<DeskValidationException>(() => TicketFactory.FileAsync(_db, Org.ActorFor(Org.Requester)));
    }

    [Fact]
    public async Task Team_AddAndDuplicate()
    {
        await Departments.SaveTeamAsync(Admin, new TeamInput(null, Org.It.Id, "On-call"));
        var ex = await Assert.ThrowsAsync<DeskValidationException>(() => Departments.SaveTeamAsync(Admin, new TeamInput(null, Org.It.Id, "On-call")));
        Assert.Contains("already has a team", ex.Errors["Name"]);
        var view = await Departments.GetAsync(Admin, Org.It.Id);
        Assert.Contains(view.Teams, t => t.Name == "On-call");
    }

    [Fact]
    public async Task CreateUser_CanSignInAndWorksItsDepartment()
    {
        var id = await Users.SaveAsync(Admin, new UserInput(null, "new.agent@test.example", "New Agent", "longenough1", DeskRole.Agent,
            [Org.It.Id], [Org.ServiceDesk.Id], Org.ItSupervisor.Id, "", true));
        var actor = await _db.Get<ActorService>().LoadAsync(id);
        Assert.NotNull(actor);
        Assert.True(actor.CanWorkIn(Org.It.Id));
        Assert.False(actor.CanWorkIn(Org.Hr.Id));
        var row = (await Users.ListAsync(Admin, "new.agent", 1, 10)).Items.Single();
        Assert.Equal("IT", row.Departments);
        Assert.Equal("Sue Supervisor", row.ManagerName);
    }

    [Fact]
    public async Task CreateUser_BadInput_NamesFields()
    {
        var ex = await Assert.ThrowsAsync<DeskValidationException>(() => Users.SaveAsync(Admin,
            new UserInput(null, "not-an-email", "", "short", DeskRole.Agent, [Org.Hr.Id], [Org.ServiceDesk.Id], null, "", true)));
        Assert.Contains("is not an email address", ex.Errors["Email"]);
        Assert.Equal("Name is required.", ex.Errors["DisplayName"]);
        Assert.Contains("at least 8", ex.Errors["Password"]);
        Assert.Contains("Service Desk belongs to a department", ex.Errors["TeamIds"]);
    }

    [Fact]
    public async Task CreateUser_DuplicateEmail_IsRefused()
    {
        var ex = await Assert.ThrowsAsync<DeskValidationException>(() => Users.SaveAsync(Admin,
            new UserInput(null, Org.ItAgent.Email!, "Twin", "longenough1", DeskRole.Requester, [], [], null, "", true)));
        Assert.Contains("already the email of another user", ex.Errors["Email"]);
    }

    [Fact]
    public async Task Deactivate_UserCanNoLongerAct()
    {
        var u = await Users.GetAsync(Admin, Org.ItAgent.Id);
        await Users.SaveAsync(Admin, u with { IsActive = false });
        Assert.Null(await _db.Get<ActorService>().LoadAsync(Org.ItAgent.Id));
    }

    [Fact]
    public async Task Admin_CannotLockThemselvesOut()
    {
        var me = await Users.GetAsync(Admin, Org.Admin.Id);
        var ex = await Assert.ThrowsAsync<DeskValidationException>(() => Users.SaveAsync(Admin, me with { IsActive = false, Roles = DeskRole.Agent }));
        Assert.Contains("deactivate your own account", ex.Errors["IsActive"]);
        Assert.Contains("Admin role from yourself", ex.Errors["Roles"]);
    }

    [Fact]
    public async Task ChangePassword_OldOneStopsWorking()
    {
        var u = await Users.GetAsync(Admin, Org.Requester.Id);
        await Users.SaveAsync(Admin, u with { Password = "brandnew99" });
        await using var ctx = _db.NewContext();
        var stored = await ctx.Users.SingleAsync(x => x.Id == Org.Requester.Id);
        var hasher = new Microsoft.AspNetCore.Identity.PasswordHasher<DeskUser>();
        Assert.NotEqual(Microsoft.AspNetCore.Identity.PasswordVerificationResult.Failed, hasher.VerifyHashedPassword(stored, stored.PasswordHash!, "brandnew99"));
        Assert.Equal(Microsoft.AspNetCore.Identity.PasswordVerificationResult.Failed, hasher.VerifyHashedPassword(stored, stored.PasswordHash!, TestOrg.Password));
    }

    [Fact]
    public async Task ExternalSignIn_ProvisionsAndKeepsRolesInStep()
    {
        var external = _db.Get<ExternalUserService>();
        var id = await external.ProvisionAsync(new ExternalIdentity("oid-9", "kim@corp.example", "Kim Lee", DeskRole.Agent, ["HR"]));
        var actor = await _db.Get<ActorService>().LoadAsync(id!);
        Assert.True(actor!.CanWorkIn(Org.Hr.Id));
        var again = await external.ProvisionAsync(new ExternalIdentity("oid-9", "kim@corp.example", "Kim Lee", DeskRole.Requester, []));
        Assert.Equal(id, again);
        Assert.False((await _db.Get<ActorService>().LoadAsync(id!))!.IsStaff);
    }

    [Fact]
    public async Task ExternalSignIn_DeactivatedLocalUser_IsRefused()
    {
        var external = _db.Get<ExternalUserService>();
        Assert.Null(await external.ProvisionAsync(new ExternalIdentity("oid-x", Org.Deactivated.Email!, "Dee", DeskRole.Agent, [])));
    }

    [Fact]
    public async Task ExternalSignIn_KeepsTheManagerInStepWithTheDirectory_WhenItNamesOne()
    {
        var external = _db.Get<ExternalUserService>();
        async Task<string?> ManagerAsync(string id)
        {
            await using var db = _db.NewContext();
            return await db.Users.Where(u => u.Id == id).Select(u => u.ManagerId).SingleAsync();
        }

        var id = await external.ProvisionAsync(new ExternalIdentity("oid-7", "lou@corp.example", "Lou", DeskRole.Requester, [], ManagerEmail: Org.ItSupervisor.Email));
        Assert.Equal(Org.ItSupervisor.Id, await ManagerAsync(id!));
        // Not known this time (Graph not reachable): the desk keeps it; a manager the desk does not know: kept too.
        await external.ProvisionAsync(new ExternalIdentity("oid-7", "lou@corp.example", "Lou", DeskRole.Requester, [], ManagerEmail: null));
        await external.ProvisionAsync(new ExternalIdentity("oid-7", "lou@corp.example", "Lou", DeskRole.Requester, [], ManagerEmail: "stranger@corp.example"));
        Assert.Equal(Org.ItSupervisor.Id, await ManagerAsync(id!));
        // The directory says there is none: none.
        await external.ProvisionAsync(new ExternalIdentity("oid-7", "lou@corp.example", "Lou", DeskRole.Requester, [], ManagerEmail: ""));
        Assert.Null(await ManagerAsync(id!));
    }
}

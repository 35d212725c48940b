using System.Text;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Assets;
using Portal.Core.Common;
using Portal.Core.Security;
using Portal.Core.Tickets;
using Portal.Tests.Support;
using Portal.Core.Handling;

namespace Portal.Tests.Persistence;

public class AssetTests : IAsyncLifetime
{
    private TestDatabase _db = default!;
    private TestOrg Org => _db.Org;
    private AssetService Assets => _db.Get<AssetService>();
    private Actor ItAgent => Org.ActorFor(Org.ItAgent);
    private Actor HrAgent => Org.ActorFor(Org.HrAgent);
    private Actor Requester => Org.ActorFor(Org.Requester);
    private int _laptopType;
    private int _roomType;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        await using var ctx = _db.NewContext();
        _laptopType = await ctx.AssetTypes.Where(t => t.Name == "Laptop").Select(t => t.Id).SingleAsync();
        _roomType = await ctx.AssetTypes.Where(t => t.Name == "Room").Select(t => t.Id).SingleAsync();
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private AssetInput Laptop(string tag = "LT-1001", string? assignedTo = null) =>
        new(tag, "Dell Latitude 7440", _laptopType, Org.It.Id, AssetStatus.InUse, "SN-" + tag, "Dell", "Latitude 7440", "London", "Tower A",
            "3", "3.14", assignedTo ?? Org.Requester.Id, new DateOnly(2025, 1, 10), new DateOnly(2028, 1, 10));

    [Fact]
    public async Task Create_ThenRead_KeepsEveryValue()
    {
        var id = await Assets.CreateAsync(ItAgent, Laptop());
        var a = await Assets.GetAsync(ItAgent, id);
        Assert.Equal("LT-1001", a.Tag);
        Assert.Equal("Laptop", a.TypeName);
        Assert.Equal("London / Tower A / floor 3 / 3.14", a.Location);
        Assert.Equal("Rita Requester", a.AssignedTo!.Name);
        Assert.Equal(new DateOnly(2028, 1, 10), a.WarrantyEnd);
        Assert.True(a.CanEdit);
    }

    [Fact]
    public async Task Create_BadInput_NamesEachField()
    {
        await Assets.CreateAsync(ItAgent, Laptop("LT-1"));
        var ex = await Assert.ThrowsAsync<DeskValidationException>(() => Assets.CreateAsync(ItAgent,
            Laptop("lt-1") with { Name = " ", PurchaseDate = new DateOnly(2026, 1, 1), WarrantyEnd = new DateOnly(2025, 1, 1) }));
        Assert.Equal("Tag LT-1 is already on another asset.", ex.Errors["Tag"].Replace("lt-1", "LT-1"));
        Assert.Equal("Name is required.", ex.Errors["Name"]);
        Assert.Contains("before the purchase date", ex.Errors["WarrantyEnd"]);
        var spaces = await Assert.ThrowsAsync<DeskValidationException>(() => Assets.CreateAsync(ItAgent, Laptop("LT 2")));
        Assert.Contains("only letters, digits", spaces.Errors["Tag"]);
    }

    [Fact]
    public async Task Authorization_AgentsKeepTheirDepartmentsAssets_RequestersSeeOnlyTheirOwn()
    {
        var id = await Assets.CreateAsync(ItAgent, Laptop());
        var other = await Assets.CreateAsync(ItAgent, Laptop("LT-2", Org.OtherRequester.Id));

        var hr = await Assert.ThrowsAsync<DeskValidationException>(() => Assets.CreateAsync(HrAgent, Laptop("LT-3")));
        Assert.Contains("departments you work in", hr.Errors["Department"]);
        await Assert.ThrowsAsync<DeskNotFoundException>(() => Assets.GetAsync(HrAgent, id));
        await Assert.ThrowsAsync<DeskNotFoundException>(() => Assets.UpdateAsync(HrAgent, id, 1, Laptop()));
        await Assert.ThrowsAsync<DeskNotFoundException>(() => Assets.HistoryAsync(HrAgent, id));
        Assert.Equal(0, (await Assets.QueryAsync(HrAgent, new AssetQuery())).Total);
        Assert.Equal(2, (await Assets.QueryAsync(Org.ActorFor(Org.Admin), new AssetQuery())).Total);

        await Assert.ThrowsAsync<DeskForbiddenException>(() => Assets.QueryAsync(Requester, new AssetQuery()));
        var mine = await Assets.GetAsync(Requester, id);
        Assert.False(mine.CanEdit);
        await Assert.ThrowsAsync<DeskNotFoundException>(() => Assets.GetAsync(Requester, other));
        await Assert.ThrowsAsync<DeskNotFoundException>(() => Assets.HistoryAsync(Requester, id));
        Assert.Equal(["LT-1001"], (await Assets.ListMineAsync(Requester)).Select(a => a.Tag));
        // A label anyone can read: the tag finds the asset for a report.
        Assert.Equal(other, (await Assets.FindByTagAsync(Requester, " lt-2 "))!.Id);
    }

    [Fact]
    public async Task Update_RecordsStatusAssigneeAndLocation_AndRefusesAStaleVersion()
    {
        var id = await Assets.CreateAsync(ItAgent, Laptop());
        var v2 = await Assets.UpdateAsync(ItAgent, id, 1, Laptop() with { Status = AssetStatus.InRepair, AssignedToId = null, Room = "Workshop" });
        Assert.Equal(2, v2);
        await Assert.ThrowsAsync<DeskConflictException>(() => Assets.UpdateAsync(Org.ActorFor(Org.ItAgent2), id, 1, Laptop() with { Name = "Mine" }));

        var history = await Assets.HistoryAsync(ItAgent, id);
        var changes = history.Changes.Select(c => $"{c.Subject}: {c.OldValue} -> {c.NewValue}").ToList();
        Assert.Equal(
        [
            "Created:  -> In use",
            "Status: In use -> In repair",
            "Assigned to: Rita Requester -> ",
            "Location: London / Tower A / floor 3 / 3.14 -> London / Tower A / floor 3 / Workshop",
        ], changes);
        Assert.Equal("Dell Latitude 7440", (await Assets.GetAsync(ItAgent, id)).Name);
    }

    [Fact]
    public async Task TimeInRepair_AddsUpEveryRepairSpan_IncludingTheOpenOne()
    {
        var id = await Assets.CreateAsync(ItAgent, Laptop());
        var version = 1;
        async Task Status(AssetStatus s, TimeSpan after)
        {
            _db.Clock.Advance(after);
            version = await Assets.UpdateAsync(ItAgent, id, version, Laptop() with { Status = s });
        }

        await Status(AssetStatus.InRepair, TimeSpan.FromDays(1));
        await Status(AssetStatus.InUse, TimeSpan.FromHours(30));
        await Status(AssetStatus.InRepair, TimeSpan.FromDays(2));
        _db.Clock.Advance(TimeSpan.FromHours(6));
        Assert.Equal(TimeSpan.FromHours(36), (await Assets.HistoryAsync(ItAgent, id)).TimeInRepair);
    }

    [Fact]
    public async Task Requests_LinkTheirAssetByTag_AgentsLinkAndUnlink_AndTheHistoryShowsEachTicket()
    {
        var id = await Assets.CreateAsync(ItAgent, Laptop());
        var tickets = _db.Get<TicketCommands>();
        var filing = _db.Get<TicketFiling>();
        var reads = _db.Get<TicketQueries>();
        var first = await filing.CreateAsync(Requester, TicketFactory.Laptop(Org) with { AssetTags = ["lt-1001"] });
        var unknown = await Assert.ThrowsAsync<DeskValidationException>(() =>
            filing.CreateAsync(Requester, TicketFactory.Laptop(Org) with { AssetTags = ["NOPE-1"] }));
        Assert.Contains("NOPE-1", unknown.Errors["Assets"]);

        var linked = Assert.Single(await Assets.ListForTicketAsync(Requester, first.Id));
        Assert.Equal(("LT-1001", 1), (linked.Tag, linked.OpenTickets));
        Assert.Contains((await reads.GetAsync(Requester, first.Id)).Events, e => e.Kind == TicketEventKind.AssetLinked && e.NewValue!.StartsWith("LT-1001"));

        var second = await filing.CreateAsync(Requester, TicketFactory.Laptop(Org, "Again"));
        await Assert.ThrowsAsync<DeskForbiddenException>(() => Assets.LinkAsync(Requester, second.Id, id));
        await Assert.ThrowsAsync<DeskNotFoundException>(() => Assets.LinkAsync(HrAgent, second.Id, id));
        await Assets.LinkAsync(ItAgent, second.Id, id);
        Assert.Equal(2, Assert.Single(await Assets.ListForTicketAsync(ItAgent, second.Id)).OpenTickets);

        _db.Clock.Advance(TimeSpan.FromHours(5));
        var t = await reads.GetAsync(ItAgent, first.Id);
        await tickets.UpdateAsync(ItAgent, first.Id, t.Version, TicketServiceTests.TicketEditModelFor(t) with { Status = TicketStatus.Resolved });

        var history = await Assets.HistoryAsync(ItAgent, id);
        Assert.Equal([first.Key, second.Key], history.Tickets.Select(r => r.Key));
        Assert.Equal(TimeSpan.FromHours(5), history.Tickets[0].TimeToResolve);
        Assert.Equal("Missed: First response", history.Tickets[0].SlaOutcome);
        Assert.Null(history.Tickets[1].TimeToResolve);

        await Assets.UnlinkAsync(ItAgent, second.Id, id);
        Assert.Empty(await Assets.ListForTicketAsync(ItAgent, second.Id));
        Assert.Single((await Assets.HistoryAsync(ItAgent, id)).Tickets);
    }

    [Fact]
    public async Task RepeatFailure_FlagsMoreIncidentsThanConfiguredWithinTheWindow()
    {
        var id = await Assets.CreateAsync(ItAgent, Laptop());
        var filing = _db.Get<TicketFiling>();
        for (var i = 0; i < 2; i++)
            await filing.CreateAsync(Requester, TicketFactory.Laptop(Org, $"Failure {i}") with { AssetTags = ["LT-1001"] });
        Assert.False((await Assets.HistoryAsync(ItAgent, id)).RepeatFailure);
        Assert.Equal(0, (await Assets.QueryAsync(ItAgent, new AssetQuery(RepeatFailuresOnly: true))).Total);

        await filing.CreateAsync(Requester, TicketFactory.Laptop(Org, "Failure 3") with { AssetTags = ["LT-1001"] });
        var history = await Assets.HistoryAsync(ItAgent, id);
        Assert.True(history.RepeatFailure);
        Assert.Equal(3, history.RecentIncidents);
        var flagged = Assert.Single((await Assets.QueryAsync(ItAgent, new AssetQuery(RepeatFailuresOnly: true))).Items);
        Assert.True(flagged.RepeatFailure);
        Assert.Equal(3, flagged.OpenTickets);

        // Out of the 90-day window, the incidents no longer count.
        _db.Clock.Advance(TimeSpan.FromDays(91));
        Assert.False((await Assets.HistoryAsync(ItAgent, id)).RepeatFailure);
    }

    [Fact]
    public async Task Query_FindsByTagSerialPersonAndLocation_AndFilters()
    {
        await Assets.CreateAsync(ItAgent, Laptop());
        await Assets.CreateAsync(ItAgent, Laptop("LT-2", Org.OtherRequester.Id) with { Site = "Leeds", WarrantyEnd = new DateOnly(2026, 12, 10) });
        await Assets.CreateAsync(ItAgent, new AssetInput("RM-3.14", "Meeting room Thames", _roomType, Org.It.Id, Site: "London", Room: "3.14"));
        await Assets.CreateAsync(ItAgent, Laptop("LT-OLD") with { Status = AssetStatus.Retired });

        async Task<string[]> Tags(AssetQuery q) => (await Assets.QueryAsync(ItAgent, q)).Items.Select(i => i.Tag).ToArray();
        Assert.Equal(["LT-1001"], await Tags(new AssetQuery("lt-1001")));
        Assert.Equal(["LT-2"], await Tags(new AssetQuery("SN-LT-2")));
        Assert.Equal(["LT-2"], await Tags(new AssetQuery("otto")));
        Assert.Equal(["LT-1001", "RM-3.14"], await Tags(new AssetQuery("london")));
        Assert.Equal(["RM-3.14"], await Tags(new AssetQuery(TypeId: _roomType)));
        Assert.Equal(["LT-2"], await Tags(new AssetQuery(WarrantyWithinDays: 30)));
        Assert.Equal(["LT-OLD"], await Tags(new AssetQuery(Status: AssetStatus.Retired)));
        Assert.Equal(["LT-1001", "RM-3.14", "LT-2"], await Tags(new AssetQuery(Sort: AssetSort.Location, Descending: true)));
        Assert.Equal(["LT-1001", "LT-2", "RM-3.14"], await Tags(new AssetQuery("3.14")));
        Assert.Equal(["RM-3.14"], await Tags(new AssetQuery("mes")));

        // The search index follows edits.
        var room = (await Assets.QueryAsync(ItAgent, new AssetQuery("RM-3.14"))).Items.Single();
        await Assets.UpdateAsync(ItAgent, room.Id, 1, new AssetInput("RM-3.14", "Meeting room Severn", _roomType, Org.It.Id, Site: "London", Room: "3.14"));
        Assert.Empty(await Tags(new AssetQuery("thames")));
        Assert.Equal(["RM-3.14"], await Tags(new AssetQuery("severn")));
        var locations = await Assets.ListLocationsAsync(ItAgent);
        Assert.Equal([("Leeds", "Tower A", 1), ("London", "", 1), ("London", "Tower A", 1)], locations.Select(l => (l.Site, l.Building, l.Assets)));
    }

    [Fact]
    public async Task Import_AddsEveryGoodRow_AndReportsEachBadOneByLineAndColumn()
    {
        await Assets.CreateAsync(ItAgent, Laptop("LT-EXISTS"));
        var csv = """
            Tag,Name,Type,Department,AssignedTo,Status,PurchaseDate,WarrantyEnd,Site,Colour
            LT-10,Laptop ten,Laptop,IT,rita.requester@test.example,In use,2025-01-01,2028-01-01,London,red
            LT-11,Laptop eleven,laptop,it,,in stock,,,London,
            LT-12,,Laptop,IT,nobody@test.example,Broken,01/02/2025,,Leeds,
            LT-EXISTS,Duplicate,Laptop,IT,,,,,,
            LT-10,Twice in file,Laptop,IT,,,,,,
            RM-1,Room,Spaceship,HR,,,,,,
            LT-13,"Laptop, thirteen",Laptop,IT,,Retired,,,Leeds,
            """;
        var importer = _db.Get<AssetCsv>();
        var plan = await importer.CheckAsync(ItAgent, new MemoryStream(Encoding.UTF8.GetBytes(csv)));
        Assert.Equal(7, plan.Rows);
        Assert.Equal(["LT-10", "LT-11", "LT-13"], plan.Valid.Select(r => r.Input.Tag));
        Assert.Equal(4, plan.InvalidRows);
        var errors = plan.Errors.Select(e => $"{e.Line} {e.Column}").ToList();
        Assert.Contains("1 Colour", errors);
        Assert.Contains("4 Name", errors);
        Assert.Contains("4 AssignedTo", errors);
        Assert.Contains("4 Status", errors);
        Assert.Contains("4 PurchaseDate", errors);
        Assert.Contains("5 Tag", errors);
        Assert.Contains("6 Tag", errors);
        Assert.Contains("7 Type", errors);
        Assert.Contains("7 Department", errors);
        Assert.Contains("Broken", plan.Errors.Single(e => e.Line == 4 && e.Column == "Status").Message);

        var progress = new List<int>();
        var result = await importer.ImportAsync(ItAgent, plan, new Progress<int>(progress.Add));
        Assert.Equal(3, result.Imported);
        Assert.Empty(result.Errors);
        var all = await Assets.QueryAsync(ItAgent, new AssetQuery(Status: null, PageSize: 100));
        Assert.Equal(["LT-10", "LT-11", "LT-EXISTS"], all.Items.Select(i => i.Tag));
        var ten = await Assets.GetAsync(ItAgent, all.Items[0].Id);
        Assert.Equal(("Rita Requester", AssetStatus.InUse, new DateOnly(2028, 1, 1)), (ten.AssignedTo!.Name, ten.Status, ten.WarrantyEnd!.Value));
        Assert.Equal(AssetStatus.InStock, (await Assets.GetAsync(ItAgent, all.Items[1].Id)).Status);
        Assert.Equal("Laptop, thirteen", (await Assets.QueryAsync(ItAgent, new AssetQuery(Status: AssetStatus.Retired))).Items.Single().Name);
    }

    [Fact]
    public async Task Import_WithoutARequiredColumn_RefusesTheFile()
    {
        var plan = await _db.Get<AssetCsv>().CheckAsync(ItAgent, new MemoryStream("Tag,Name\nA-1,Thing\n"u8.ToArray()));
        Assert.True(plan.FileRefused);
        Assert.Empty(plan.Valid);
        Assert.Contains(plan.Errors, e => e.Column == "Type" && e.Message.Contains("missing"));
    }

    /// <summary>Imports an exported file into a desk of its own and reads back the one asset it holds.</summary>
    private static async Task<AssetDetails> ImportedIntoAFreshDeskAsync(string text)
    {
        await using var fresh = await TestDatabase.CreateAsync();
        var agent = fresh.Org.ActorFor(fresh.Org.ItAgent);
        var importer = fresh.Get<AssetCsv>();
        var plan = await importer.CheckAsync(agent, new MemoryStream(Encoding.UTF8.GetBytes(text)));
        Assert.Empty(plan.Errors);
        await importer.ImportAsync(agent, plan);
        var assets = fresh.Get<AssetService>();
        return await assets.GetAsync(agent, (await assets.QueryAsync(agent, new AssetQuery())).Items.Single().Id);
    }

    [Fact]
    public async Task Export_WritesTheFilteredList_AndImportsBackUnchanged()
    {
        await Assets.CreateAsync(ItAgent, Laptop() with { Notes = "Spare charger, \"USB-C\"" });
        await Assets.CreateAsync(ItAgent, new AssetInput("RM-1", "Room", _roomType, Org.It.Id));
        var writer = new StringWriter();
        await _db.Get<AssetCsv>().WriteAsync(ItAgent, new AssetQuery(TypeId: _laptopType), writer);
        var text = writer.ToString();
        Assert.StartsWith("Tag,Name,Type,Serial", text);
        Assert.Contains("LT-1001,Dell Latitude 7440,Laptop,SN-LT-1001", text);
        Assert.DoesNotContain("RM-1", text);

        var copy = await ImportedIntoAFreshDeskAsync(text);
        Assert.Equal(("Spare charger, \"USB-C\"", "London / Tower A / floor 3 / 3.14", "Rita Requester"), (copy.Notes, copy.Location, copy.AssignedTo!.Name));
    }

    [Fact]
    public async Task Export_WritesFormulaLikeCellsAsText_AndImportsThemBackUnchanged()
    {
        await Assets.CreateAsync(ItAgent, Laptop() with { Notes = "=1+1", Name = "-spare- @desk" });
        var writer = new StringWriter();
        await _db.Get<AssetCsv>().WriteAsync(ItAgent, new AssetQuery(TypeId: _laptopType), writer);
        var text = writer.ToString();
        Assert.Contains("'-spare- @desk", text);
        Assert.Contains("'=1+1", text);

        var copy = await ImportedIntoAFreshDeskAsync(text);
        Assert.Equal(("-spare- @desk", "=1+1"), (copy.Name, copy.Notes));
    }

    [Fact]
    public async Task Maintenance_FilesOneTicketPerDueDate_EvenRunAgainOrAfterARestart()
    {
        var id = await Assets.CreateAsync(ItAgent, Laptop());
        var maintenance = _db.Get<MaintenanceService>();
        var today = DateOnly.FromDateTime(_db.Clock.GetUtcNow().UtcDateTime);
        await maintenance.AddAsync(ItAgent, id, new MaintenanceInput("Battery check", 1, MaintenanceUnit.Weeks, today.AddDays(1)));

        Assert.Equal(0, await maintenance.RunDueAsync());
        _db.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(1, await maintenance.RunDueAsync());
        Assert.Equal(0, await maintenance.RunDueAsync());
        // A second node (or the app after a restart) looking at the same due date files nothing more.
        var other = new MaintenanceService(_db.Get<Microsoft.EntityFrameworkCore.IDbContextFactory<Portal.Core.Persistence.DeskDbContext>>(),
            _db.Clock, _db.Get<TicketFiling>(), _db.Get<TicketPipeline>());
        Assert.Equal(0, await other.RunDueAsync());

        // Down for three weeks: one ticket for the latest due date, not three.
        _db.Clock.Advance(TimeSpan.FromDays(21));
        Assert.Equal(1, await maintenance.RunDueAsync());
        var history = await Assets.HistoryAsync(ItAgent, id);
        Assert.Equal(2, history.Tickets.Count);
        Assert.All(history.Tickets, t => Assert.False(t.CountsAsIncident));
        var ticket = await _db.Get<TicketQueries>().GetAsync(ItAgent, history.Tickets[0].TicketId);
        Assert.Equal(("Battery check: LT-1001 Dell Latitude 7440", "Maintenance", MaintenanceService.CategoryName, "IT"),
            (ticket.Title, ticket.TypeName, ticket.CategoryName, ticket.DepartmentName));
        Assert.Contains($"due on {today.AddDays(1):yyyy-MM-dd}", ticket.Description);
        Assert.Equal(today.AddDays(29), (await maintenance.ListForAssetAsync(ItAgent, id)).Single().NextDueOn);
    }

    [Fact]
    public async Task Maintenance_ForAWholeType_IsForAdmins_AndSkipsRetiredAssets()
    {
        var first = await Assets.CreateAsync(ItAgent, Laptop("LT-1"));
        await Assets.CreateAsync(ItAgent, Laptop("LT-2"));
        await Assets.CreateAsync(ItAgent, Laptop("LT-3") with { Status = AssetStatus.Retired });
        var maintenance = _db.Get<MaintenanceService>();
        var today = DateOnly.FromDateTime(_db.Clock.GetUtcNow().UtcDateTime);
        var input = new MaintenanceInput("Firmware update", 3, MaintenanceUnit.Months, today, ForWholeType: true);
        await Assert.ThrowsAsync<DeskForbiddenException>(() => maintenance.AddAsync(ItAgent, first, input));
        var bad = await Assert.ThrowsAsync<DeskValidationException>(() =>
            maintenance.AddAsync(ItAgent, first, new MaintenanceInput("", 0, MaintenanceUnit.Days, today.AddDays(-1))));
        Assert.Equal(["Every", "FirstDueOn", "Title"], bad.Errors.Keys.Order());

        await maintenance.AddAsync(Org.ActorFor(Org.Admin), first, input);
        Assert.Equal(2, await maintenance.RunDueAsync());
        Assert.Equal(0, await maintenance.RunDueAsync());
    }

    [Fact]
    public async Task AssetTypes_AdminsAddTypesAndFields_WhichAssetsThenRequireAndCsvCarries()
    {
        var admin = Org.ActorFor(Org.Admin);
        await Assert.ThrowsAsync<DeskForbiddenException>(() => Assets.SaveTypeAsync(ItAgent, null, "Scanner", true));
        var dup = await Assert.ThrowsAsync<DeskValidationException>(() => Assets.SaveTypeAsync(admin, null, "Laptop", true));
        Assert.Contains("already an asset type", dup.Errors["Name"]);
        var scanner = await Assets.SaveTypeAsync(admin, null, "Scanner", true);
        var column = await Assert.ThrowsAsync<DeskValidationException>(() =>
            Assets.SaveFieldAsync(admin, scanner, new Portal.Core.Departments.FieldDefinition(0, "Serial", Portal.Core.Departments.FieldKind.Text, false, true, [], 0), true));
        Assert.Contains("already a column", column.Errors["Label"]);
        var noOptions = await Assert.ThrowsAsync<DeskValidationException>(() =>
            Assets.SaveFieldAsync(admin, scanner, new Portal.Core.Departments.FieldDefinition(0, "Dock", Portal.Core.Departments.FieldKind.Choice, false, true, [], 0), true));
        Assert.Contains("at least one option", noOptions.Errors["Options"]);
        var dpi = await Assets.SaveFieldAsync(admin, scanner,
            new Portal.Core.Departments.FieldDefinition(0, "Resolution (dpi)", Portal.Core.Departments.FieldKind.Number, true, true, [], 0), true);

        var missing = await Assert.ThrowsAsync<DeskValidationException>(() =>
            Assets.CreateAsync(ItAgent, new AssetInput("SC-1", "Scanner one", scanner, Org.It.Id)));
        Assert.Equal("Resolution (dpi) is required.", missing.Errors[$"Fields[{dpi}]"]);
        var id = await Assets.CreateAsync(ItAgent, new AssetInput("SC-1", "Scanner one", scanner, Org.It.Id)
        {
            Fields = new Dictionary<int, string?> { [dpi] = "600" },
        });
        Assert.Equal("600", (await Assets.GetAsync(ItAgent, id)).Fields.Single().Value);

        var writer = new StringWriter();
        await _db.Get<AssetCsv>().WriteAsync(ItAgent, new AssetQuery(TypeId: scanner), writer);
        var lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.EndsWith(",Resolution (dpi)", lines[0].TrimEnd('\r'));
        Assert.EndsWith(",600", lines[1].TrimEnd('\r'));

        var bad = "Tag,Name,Type,Department,Resolution (dpi)\nSC-2,Scanner two,Scanner,IT,lots\nSC-3,Scanner three,Scanner,IT,1200\n";
        var plan = await _db.Get<AssetCsv>().CheckAsync(ItAgent, new MemoryStream(Encoding.UTF8.GetBytes(bad)));
        var error = Assert.Single(plan.Errors);
        Assert.Equal((2, "Resolution (dpi)"), (error.Line, error.Column));
        Assert.Equal(["SC-3"], plan.Valid.Select(r => r.Input.Tag));
    }
}


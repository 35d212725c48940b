using Bunit;
using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Escalations;
using Portal.Core.Operations;
using Portal.Core.Persistence;
using Portal.Core.Sla;
using Portal.Core.Tickets;
using Portal.Jobs;
using Portal.Realtime;
using Portal.Tests.Support;
using Portal.Core.Handling;

namespace Portal.Tests.Integration;

/// <summary>Two app instances on one database and one real Redis server.</summary>
public sealed class TwoNodeFixture : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "internaldesk-nodes", Guid.NewGuid().ToString("N"));
    private string? _postgres;

    public RedisServer Redis { get; } = new();

    /// <summary>The key ring both nodes share (sign-in cookies from one are read by the other).</summary>
    public string KeysFolder => Path.Combine(_directory, "keys");

    /// <summary>One clock for both nodes, as servers synchronised by NTP share one time.</summary>
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);
    public NodeFactory A { get; private set; } = default!;
    public NodeFactory B { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        await Redis.StartAsync();
        // One database for both nodes: a SQLite file, or on a PostgreSQL run one server database.
        _postgres = TestDatabases.Postgres ? await TestDatabases.CreatePostgresAsync() : null;
        var settings = TestDatabases.Settings(_postgres ?? $"Data Source={Path.Combine(_directory, "desk.db")}");
        settings["Redis:Configuration"] = Redis.Configuration;
        settings["DataProtection:KeysFolder"] = KeysFolder;
        A = new NodeFactory(settings, Clock);
        await A.StartAsync();
        B = new NodeFactory(settings, Clock);
        await B.StartAsync(seedOrg: false);
    }

    public async Task DisposeAsync()
    {
        await B.DisposeAsync();
        await A.DisposeAsync();
        await Redis.DisposeAsync();
        if (_postgres is not null)
            await TestDatabases.DropPostgresAsync(_postgres);
        try
        {
            Directory.Delete(_directory, true);
        }
        catch (IOException)
        {
            // Left for the OS to clean.
        }
    }

    public sealed class NodeFactory(IReadOnlyDictionary<string, string?> settings, TimeProvider clock) : PortalFactory
    {
        protected override IReadOnlyDictionary<string, string?> Settings => settings;

        protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton(clock);
    }
}

public class TwoNodeTests(TwoNodeFixture fx) : IClassFixture<TwoNodeFixture>
{
    private TestOrg Org => fx.A.Org;

    private static T Get<T>(PortalFactory node) where T : notnull => node.Services.GetRequiredService<T>();

    [Fact]
    public async Task AChangeOnNodeA_ReachesTheOpenPagesOfNodeB()
    {
        var arrived = new TaskCompletionSource<TicketChanged>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnB(TicketChanged change)
        {
            if (change.Kind == TicketChangeKind.Created)
                arrived.TrySetResult(change);
        }

        Get<TicketChangeFeed>(fx.B).Changed += OnB;
        try
        {
            var created = await Get<TicketFiling>(fx.A).CreateAsync(Org.ActorFor(Org.Requester), TicketFactory.Laptop(Org, "Filed on node A"));
            var change = await arrived.Task.WaitAsync(TimeSpan.FromSeconds(15));
            Assert.Equal(created.Id, change.TicketId);
            Assert.Equal(Org.It.Id, change.DepartmentId);
            Assert.NotNull(change.FromNode); // relayed, not B's own
            // Node B reads the same ticket from the shared database, as its queue page does on that change.
            Assert.Equal("Filed on node A", (await Get<TicketQueries>(fx.B).GetAsync(Org.ActorFor(Org.ItAgent), created.Id)).Title);
        }
        finally
        {
            Get<TicketChangeFeed>(fx.B).Changed -= OnB;
        }
    }

    [Fact]
    public async Task AChangeOnNodeA_ShowsOnALiveBoardOnNodeB_WithoutReloading()
    {
        // The breach board as a supervisor has it open on node B (the page over node B's own services and change feed).
        await using var ctx = DeskBunit.Create(fx.B.Services, Org.ItSupervisor);
        var board = ctx.Render<Portal.Features.Board.BoardPage>();
        board.WaitForAssertion(() => Assert.NotNull(board.Find("[data-testid=at-risk-count]")), TimeSpan.FromSeconds(10));
        var title = "Core switch down " + Guid.NewGuid().ToString("N")[..6];

        await Get<TicketFiling>(fx.A).CreateAsync(Org.ActorFor(Org.Requester), TicketFactory.Laptop(Org, title) with { Priority = TicketPriority.Critical });

        board.WaitForAssertion(() => Assert.Contains(title, board.Find("[data-testid=board-tickets]").TextContent), TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task AHubClientOnNodeB_GetsNodeAsChangeExactlyOnce()
    {
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(fx.B.Server.BaseAddress, "hubs/desk"), o =>
            {
                o.Transports = HttpTransportType.LongPolling;
                o.HttpMessageHandlerFactory = _ => fx.B.Server.CreateHandler();
                o.Headers[PortalFactory.TestUserHeader] = Org.ItAgent.Id;
            })
            .Build();
        var got = new ConcurrentQueue<TicketChangedMessage>();
        var last = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var marker = 0;
        hub.On<TicketChangedMessage>("ticketChanged", m =>
        {
            got.Enqueue(m);
            if (m.TicketId == Volatile.Read(ref marker))
                last.TrySetResult();
        });
        await hub.StartAsync();
        var filing = Get<TicketFiling>(fx.A);
        // A first call returns only after node B has joined the client to its department's group (through Redis);
        // the handshake alone can come back before that, and a change in between would be missed.
        var followed = await filing.CreateAsync(Org.ActorFor(Org.Requester), TicketFactory.Laptop(Org, "Followed"));
        await hub.InvokeAsync("Follow", followed.Id);

        var first = await filing.CreateAsync(Org.ActorFor(Org.Requester), TicketFactory.Laptop(Org, "Once"));
        // A second change after it: once it has arrived, the first has arrived as often as it ever will (one channel, in order).
        var second = await filing.CreateAsync(Org.ActorFor(Org.Requester), TicketFactory.Laptop(Org, "Marker"));
        Volatile.Write(ref marker, second.Id);
        if (got.Any(m => m.TicketId == second.Id))
            last.TrySetResult();
        await last.Task.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Single(got, m => m.TicketId == first.Id);
    }

    [Fact]
    public async Task DeactivatedOnNodeA_ClosesTheHubConnectionOnNodeB_AndNodeBRefusesTheOpenPagesActor()
    {
        var admin = Org.ActorFor(Org.Admin);
        var users = Get<Portal.Core.Users.UserAdminService>(fx.A);
        var id = await users.SaveAsync(admin, new Portal.Core.Users.UserInput(null, "pia@test.example", "Pia Agent", "longenough1",
            Portal.Core.Security.DeskRole.Agent, [Org.It.Id], [], null, "", true));
        var openPage = (await Get<Portal.Core.Users.ActorService>(fx.B).LoadAsync(id))!; // what a page on node B acts with
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(fx.B.Server.BaseAddress, "hubs/desk"), o =>
            {
                o.Transports = HttpTransportType.LongPolling;
                o.HttpMessageHandlerFactory = _ => fx.B.Server.CreateHandler();
                o.Headers[PortalFactory.TestUserHeader] = id;
            })
            .Build();
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.Closed += _ => { closed.TrySetResult(); return Task.CompletedTask; };
        await hub.StartAsync();
        var ticket = await Get<TicketFiling>(fx.A).CreateAsync(Org.ActorFor(Org.Requester), TicketFactory.Laptop(Org, "Pia's ticket"));
        await hub.InvokeAsync("Follow", ticket.Id);

        await users.SaveAsync(admin, await users.GetAsync(admin, id) with { IsActive = false });

        await closed.Task.WaitAsync(TimeSpan.FromSeconds(15));
        await Assert.ThrowsAsync<Portal.Core.Common.DeskForbiddenException>(() =>
            Get<TicketCommands>(fx.B).ReplyAsync(openPage, ticket.Id, "A note after leaving", false, []));
    }

    [Fact]
    public async Task AThousandDueLevels_SweptByBothNodesAtOnce_FireExactlyOnceEach()
    {
        await Get<EscalationAdminService>(fx.A).SaveAsync(Org.ActorFor(Org.Admin), new PathInput(null, "Two nodes", true, Org.Hr.Id, null,
            [new LevelInput(1, SlaMetric.FirstResponse, EscalationTrigger.AtBreach, null, null, new EscalationActions { RaisePriority = true })]));
        var filing = Get<TicketFiling>(fx.A);
        var ids = new List<int>();
        for (var i = 0; i < 1000; i++)
            ids.Add((await filing.CreateAsync(Org.ActorFor(Org.OtherRequester), TicketFactory.Payroll(Org, $"Payslip {i}"))).Id);
        fx.Clock.Advance(TimeSpan.FromDays(10)); // every first response has breached: 1,000 levels due

        var swept = await Task.WhenAll(Task.Run(() => Get<EscalationService>(fx.A).SweepAsync()), Task.Run(() => Get<EscalationService>(fx.B).SweepAsync()));
        // Whatever either node left to the other (a batch it lost to the other's claim), a second round finds nothing due.
        var again = await Task.WhenAll(Get<EscalationService>(fx.A).SweepAsync(), Get<EscalationService>(fx.B).SweepAsync());

        Assert.Equal(1000, swept.Sum(r => r.Fired) + again.Sum(r => r.Fired));
        await using var db = await Get<IDbContextFactory<DeskDbContext>>(fx.A).CreateDbContextAsync();
        var fired = await db.EscalationFirings.Where(f => ids.Contains(f.TicketId)).GroupBy(f => f.TicketId).Select(g => g.Count()).ToListAsync();
        Assert.Equal(1000, fired.Count);
        Assert.All(fired, n => Assert.Equal(1, n));
    }

    [Fact]
    public async Task ASignInOnNodeA_IsHonouredByNodeB_ThroughTheSharedKeyRing()
    {
        var a = fx.A.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var page = await a.GetStringAsync("/account/login");
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        var signIn = await a.PostAsync("/account/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token), ["email"] = Org.Requester.Email!, ["password"] = TestOrg.Password,
            ["returnUrl"] = "",
        }));
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        var cookies = signIn.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Where(c => c.StartsWith("InternalDesk.Auth", StringComparison.Ordinal));
        Assert.NotEmpty(Directory.GetFiles(fx.KeysFolder, "key-*.xml")); // the ring lives where both nodes read it

        var b = fx.B.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        b.DefaultRequestHeaders.Add("Cookie", string.Join("; ", cookies));
        var home = await b.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Contains("Hello, Rita Requester", await home.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Readiness_ChecksRedisToo()
    {
        var ready = await fx.B.CreateClient().GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Contains("\"redis\":{\"status\":\"Healthy\"", await ready.Content.ReadAsStringAsync());
    }
}

/// <summary>The sweep's lease across two real nodes: the leader sweeps, and when it is killed the other takes over.</summary>
public sealed class TwoNodeFailoverTests : IAsyncLifetime
{
    private readonly TwoNodeFixture _fx = new();

    public Task InitializeAsync() => _fx.InitializeAsync();

    public Task DisposeAsync() => _fx.DisposeAsync();

    private static EscalationSweepJob Job(PortalFactory node) => ActivatorUtilities.CreateInstance<EscalationSweepJob>(node.Services);

    [Fact]
    public async Task KillingTheLeadingNode_HandsTheSweepToTheOther_WithinThirtySeconds()
    {
        var org = _fx.A.Org;
        async Task<int> DueTicketAsync()
        {
            var created = await _fx.A.Services.GetRequiredService<TicketFiling>().CreateAsync(org.ActorFor(org.Requester), TicketFactory.Laptop(org));
            _fx.Clock.Advance(TimeSpan.FromDays(10)); // past the first response target, whatever day the clock started on
            return created.Id;
        }

        async Task<int> LevelAsync(int id)
        {
            await using var db = await _fx.B.Services.GetRequiredService<IDbContextFactory<DeskDbContext>>().CreateDbContextAsync();
            return await db.Tickets.Where(t => t.Id == id).Select(t => t.EscalationLevel).SingleAsync();
        }

        await _fx.A.Services.GetRequiredService<EscalationAdminService>().SaveAsync(org.ActorFor(org.Admin), new PathInput(null, "IT breach", true,
            org.It.Id, null, [new LevelInput(1, SlaMetric.FirstResponse, EscalationTrigger.AtBreach, null, null, new EscalationActions { RaisePriority = true })]));
        var (a, b) = (Job(_fx.A), Job(_fx.B));
        var first = await DueTicketAsync();
        await a.Invoke(); // node A takes the lease and sweeps
        Assert.Equal(1, await LevelAsync(first));

        var second = await DueTicketAsync();
        var leasesA = _fx.A.Services.GetRequiredService<LeaseService>();
        Assert.True(await leasesA.TryHoldAsync(EscalationSweepJob.LeaseName, TimeSpan.FromSeconds(20))); // A's tick renews it
        await b.Invoke();
        Assert.Equal(0, await LevelAsync(second)); // B skips while A leads

        // Node A is killed: its process ends without the clean shutdown that would give the lease up. (In-process, its
        // host stops after its holder name is changed, so the shutdown's release finds nothing, as a kill releases nothing.)
        leasesA.Node = "killed";
        await _fx.A.DisposeAsync();
        await b.Invoke();
        Assert.Equal(0, await LevelAsync(second)); // the dead leader's lease still runs

        _fx.Clock.Advance(TimeSpan.FromSeconds(21)); // the lease has run out (within 30 s of the last renewal)
        await b.Invoke();
        Assert.Equal(1, await LevelAsync(second));
        var lease = await _fx.B.Services.GetRequiredService<LeaseService>().GetAsync(EscalationSweepJob.LeaseName);
        Assert.Equal(_fx.B.Services.GetRequiredService<LeaseService>().Node, lease!.Holder);
    }
}

using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using Portal.Core.Departments;
using Portal.Core.Tickets;
using Portal.Core.Users;
using Portal.Security;
using Portal.Core.Handling;

namespace Portal.Tests.Support;

/// <summary>One bUnit setup for every component test: MudBlazor, the Core services over a real database, a signed-in user.</summary>
public static class DeskBunit
{
    public static BunitContext Create(TestDatabase db, DeskUser signedIn, Action<IServiceCollection>? services = null) =>
        Create(db.Services, signedIn, services);

    /// <summary>The same over another set of Core services: a whole app's (one node of two, say).</summary>
    public static BunitContext Create(IServiceProvider source, DeskUser signedIn, Action<IServiceCollection>? services = null)
    {
        T Get<T>() where T : notnull => source.GetRequiredService<T>();
        var ctx = new BunitContext();
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.Services.AddMudServices();
        ctx.Services.AddSingleton(Get<TicketCommands>());
        ctx.Services.AddSingleton(Get<TicketQueries>());
        ctx.Services.AddSingleton(Get<TicketFiling>());
        ctx.Services.AddSingleton(Get<TicketLinking>());
        ctx.Services.AddSingleton(Get<QueueService>());
        ctx.Services.AddSingleton(Get<DepartmentDirectory>());
        ctx.Services.AddSingleton(Get<ActorService>());
        ctx.Services.AddSingleton(Get<TicketChangeFeed>());
        ctx.Services.AddSingleton(Get<Portal.Core.Reporting.BoardService>());
        ctx.Services.AddSingleton(Get<Portal.Core.Assets.AssetService>());
        ctx.Services.AddSingleton(Get<Portal.Core.Assets.MaintenanceService>());
        ctx.Services.AddSingleton(Get<Portal.Core.Audit.AuditService>());
        ctx.Services.AddSingleton(Get<Portal.Core.Complaints.ComplaintService>());
        ctx.Services.AddSingleton(Get<Portal.Core.Catalog.ServiceCatalog>());
        ctx.Services.AddSingleton(Get<Portal.Core.Catalog.CatalogAdmin>());
        ctx.Services.AddSingleton(Get<Portal.Core.Approvals.ApprovalService>());
        ctx.Services.AddSingleton(Get<Portal.Core.Approvals.ApprovalAdminService>());
        ctx.Services.AddSingleton(Get<Portal.Core.Reporting.DashboardService>());
        ctx.Services.AddSingleton(Get<Portal.Core.Reporting.ReportService>());
        ctx.Services.AddSingleton(Get<Portal.Core.Reporting.ApprovalReport>());
        ctx.Services.AddSingleton(Get<Portal.Core.Reporting.KnowledgeReport>());
        ctx.Services.AddSingleton(Get<Portal.Core.Handling.BulkChanges>());
        ctx.Services.AddSingleton(Get<Portal.Core.Knowledge.KnowledgeService>());
        ctx.Services.AddSingleton(Get<Portal.Core.Knowledge.ArticleFileService>());
        ctx.Services.AddSingleton(Get<Portal.Core.Responses.CannedResponseService>());
        ctx.Services.AddSingleton(Get<Portal.Core.Reporting.ScheduledReportService>());
        ctx.Services.AddSingleton(Get<TimeProvider>());
        ctx.Services.AddScoped<CurrentActor>();
        ctx.Services.AddHttpContextAccessor();
        ctx.Services.AddScoped<AccessLog>();
        ctx.Services.AddScoped<Portal.Realtime.CircuitStatus>();
        services?.Invoke(ctx.Services);
        var auth = ctx.AddAuthorization();
        auth.SetAuthorized(signedIn.DisplayName);
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, signedIn.Id));
        ctx.SetRendererInfo(new RendererInfo("Server", true));
        Layers.AddOrUpdate(ctx, ctx.Render<MudPopoverProvider>());
        return ctx;
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<BunitContext, IRenderedComponent<MudPopoverProvider>> Layers = new();

    /// <summary>The popover layer (open menus and selects render there, beside the component under test).</summary>
    public static IRenderedComponent<MudPopoverProvider> Popovers(this BunitContext ctx) => Layers.TryGetValue(ctx, out var layer)
        ? layer
        : throw new InvalidOperationException("The context was not made by DeskBunit.Create.");

    public static IRenderedComponent<MudTextField<string>> TextField<T>(this IRenderedComponent<T> cut, string label) where T : class, IComponent =>
        cut.FindComponents<MudTextField<string>>().First(f => f.Instance.Label?.StartsWith(label, StringComparison.Ordinal) == true);

    /// <summary>Types into a text field as a browser would: input events where the field listens to them, else change.</summary>
    public static void Type<T>(this IRenderedComponent<T> cut, string label, string value) where T : class, IComponent
    {
        var element = cut.TextField(label).Find("input, textarea");
        try
        {
            element.Input(value);
        }
        catch (MissingEventHandlerException)
        {
            element.Change(value);
        }
    }

    public static async Task Choose<TValue, T>(this IRenderedComponent<T> cut, string label, TValue value) where T : class, IComponent
    {
        var select = cut.FindComponents<MudSelect<TValue>>().First(s => s.Instance.Label?.StartsWith(label, StringComparison.Ordinal) == true);
        await cut.InvokeAsync(() => select.Instance.SelectOption(value));
    }
}

using Portal.Components.Shared;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Identity.Web;
using Coravel;
using MudBlazor.Services;
using Portal.Api;
using Portal.Components;
using Portal.Core.Persistence;
using Portal.Features.Account;
using Portal.Security;

namespace Portal;

public static class PortalWeb
{
    public const string EntraScheme = "EntraId";

    /// <summary>The largest message a browser tab may send over its live connection.</summary>
    public const long CircuitMessageBytes = 4L * Core.Tickets.TicketLimits.TextMax + 64 * 1024;

    public static void AddPortalWeb(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.Configure<DeskOptions>(builder.Configuration.GetSection(DeskOptions.Section));
        services.AddDeskReverseProxy(builder.Configuration);
        services.AddPortalCore(builder.Configuration, builder.Environment.ContentRootPath)
            .AddSignInManager()
            .AddDefaultTokenProviders();

        var auth = services.AddAuthentication(o =>
        {
            // A page's sign-in cookie, or an API token when the request carries one (the exports, the SLA simulator).
            o.DefaultScheme = ApiTokenHandler.CookieOrToken;
            o.DefaultSignInScheme = IdentityConstants.ExternalScheme;
        });
        auth.AddIdentityCookies(cookies => cookies.ApplicationCookie?.Configure(o =>
        {
            o.LoginPath = DeskRoutes.SignIn;
            o.LogoutPath = "/account/logout";
            o.AccessDeniedPath = DeskRoutes.AccessDenied;
            o.SlidingExpiration = true;
            o.ExpireTimeSpan = TimeSpan.FromHours(10);
            o.Cookie.Name = "InternalDesk.Auth";
            // API callers get status codes, not the sign-in page.
            o.Events.OnRedirectToLogin = ctx => ApiAware(ctx, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = ctx => ApiAware(ctx, StatusCodes.Status403Forbidden);
            var stampCheck = o.Events.OnValidatePrincipal;
            o.Events.OnValidatePrincipal = async ctx =>
            {
                // A person whose sign-ins ended lately is checked on every request, not only once per interval.
                var services = ctx.HttpContext.RequestServices;
                if (ctx.Principal?.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value is { } id
                    && services.GetRequiredService<Core.Users.SessionRevocations>().RecentlyRevoked(id)
                    && !await RevokableAuthenticationState.StillValidAsync(ctx.Principal, services.GetRequiredService<Core.Users.ActorService>()))
                {
                    ctx.RejectPrincipal();
                    await Microsoft.AspNetCore.Authentication.AuthenticationHttpContextExtensions.SignOutAsync(ctx.HttpContext, IdentityConstants.ApplicationScheme);
                    return;
                }

                await stampCheck(ctx);
            };
        }));
        services.Configure<SecurityStampValidatorOptions>(o =>
            o.ValidationInterval = TimeSpan.FromSeconds(Math.Max(1, builder.Configuration.GetValue($"{DeskOptions.Section}:{nameof(DeskOptions.SessionCheckSeconds)}", 60))));

        var entra = builder.Configuration.GetSection("AzureAd");
        if (!string.IsNullOrEmpty(entra["ClientId"]))
        {
            auth.AddMicrosoftIdentityWebApp(entra, EntraScheme, cookieScheme: null);
            services.Configure<OpenIdConnectOptions>(EntraScheme, o => o.SignInScheme = IdentityConstants.ExternalScheme);
            services.Configure<EntraIdMappingOptions>(entra);
        }

        // Microsoft 365 mailboxes are read with the same registration, when it has a secret for the app itself.
        if (!string.IsNullOrEmpty(entra["ClientId"]) && !string.IsNullOrEmpty(entra["ClientSecret"]) && !string.IsNullOrEmpty(entra["TenantId"]))
            services.AddSingleton<Core.Mail.IGraphTokenSource, GraphTokens>();

        services.AddAuthorization();
        services.AddApiTokens(auth, builder.Configuration);
        services.AddApiV1();
        services.AddSignInLimits(builder.Configuration);
        services.AddDeskHealthChecks();
        services.AddCascadingAuthenticationState();
        services.AddHttpContextAccessor();
        services.AddScoped<CurrentActor>();
        services.AddScoped<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider, RevokableAuthenticationState>();
        services.AddSingleton<Realtime.HubSessions>();
        services.AddScoped<AccessLog>();
        services.AddScoped<Components.Layout.BellSignal>();
        services.AddHostedService<Jobs.SchedulerDrain>();
        // Mailboxes are read with the other background work (Desk:ScheduledJobs), and can be left to the pipe alone (Mail:Watch).
        if (builder.Configuration.GetValue($"{Core.Operations.SweepOptions.Section}:{nameof(Core.Operations.SweepOptions.ScheduledJobs)}", true)
            && builder.Configuration.GetValue("Mail:Watch", true))
            services.AddHostedService<Jobs.MailWatcher>();
        services.AddScheduler();
        services.AddTransient<Jobs.EscalationSweepJob>();
        services.AddTransient<Jobs.OutboxDispatchJob>();
        services.AddTransient<Jobs.MaintenanceJob>();
        services.AddTransient<Jobs.ScheduledReportJob>();
        services.AddTransient<Jobs.AuditCheckpointJob>();
        services.AddTransient<Jobs.ApprovalTimerJob>();
        services.AddMudServices();
        // The circuit carries what people type: the largest text a form takes (TicketLimits.TextMax characters, up to
        // 4 bytes each in UTF-8, plus the event's wrapping) must fit in one message, or the connection drops and the text
        // is lost. SignalR's default is 32 KB.
        services.AddRazorComponents().AddInteractiveServerComponents()
            .AddHubOptions(o => o.MaximumReceiveMessageSize = CircuitMessageBytes);
        var signalR = services.AddSignalR();
        // Several nodes: the hub's messages and the ticket changes for open pages travel between nodes over Redis.
        if (builder.Configuration["Redis:Configuration"] is { Length: > 0 } redis)
        {
            signalR.AddStackExchangeRedis(redis, o => o.Configuration.ChannelPrefix = StackExchange.Redis.RedisChannel.Literal("internaldesk-hub"));
            services.AddSingleton<StackExchange.Redis.IConnectionMultiplexer>(_ =>
            {
                var options = StackExchange.Redis.ConfigurationOptions.Parse(redis);
                options.AbortOnConnectFail = false; // keeps trying when Redis starts after the app
                return StackExchange.Redis.ConnectionMultiplexer.Connect(options);
            });
            services.AddHostedService<Realtime.RedisChangeRelay>();
            services.AddHostedService<Realtime.RedisSignOutRelay>();
            services.AddHealthChecks().AddCheck<HealthEndpoints.RedisCheck>("redis", tags: [HealthEndpoints.ReadyTag]);
        }
        // Several nodes read each other's sign-in cookies when they share one key ring (a folder every node reaches).
        if (builder.Configuration["DataProtection:KeysFolder"] is { Length: > 0 } keys)
        {
            services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(keys)).SetApplicationName("InternalDesk");
        }

        services.AddScoped<Realtime.CircuitStatus>();
        services.AddScoped<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler>(sp => sp.GetRequiredService<Realtime.CircuitStatus>());
        services.AddHostedService<Realtime.DeskHubRelay>();
        services.AddProblemDetails();
        services.AddExceptionHandler<DeskExceptionHandler>();
    }

    private static Task ApiAware(Microsoft.AspNetCore.Authentication.RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> ctx, int status)
    {
        if (ctx.Request.Path.StartsWithSegments("/api") || ctx.Request.Path.StartsWithSegments("/hubs"))
        {
            ctx.Response.StatusCode = status;
            if (ctx.HttpContext.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodePagesFeature>() is { } pages)
                pages.Enabled = false;
        }
        else
            ctx.Response.Redirect(ctx.RedirectUri);
        return Task.CompletedTask;
    }

    /// <summary>Migrates the database and, in Development on an empty database, loads the demo organisation.</summary>
    public static async Task PreparePortalAsync(this WebApplication app)
    {
        var setup = app.Services.GetRequiredService<DatabaseSetup>();
        await setup.MigrateAsync();
        var options = app.Configuration.GetSection(DeskOptions.Section).Get<DeskOptions>() ?? new DeskOptions();
        var demo = app.Services.GetRequiredService<DemoData>();
        if (app.Environment.IsDevelopment() && options.SeedDemoDataOnFirstStart && await demo.IsEmptyAsync())
        {
            var count = await demo.LoadAsync();
            app.Logger.LogInformation("Loaded the demo organisation with {Count} tickets. Sign in as {Email} / {Password}",
                count, DemoData.Accounts[0].Email, DemoData.Password);
        }
    }

    public static void UsePortalWeb(this WebApplication app)
    {
        // Every schedule comes from its options class, checked when the app started (PortalCoreServices).
        T Options<T>() where T : class => app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<T>>().Value;
        var sweep = Options<Core.Operations.SweepOptions>();
        var seconds = sweep.SweepSeconds;
        var dispatchSeconds = Options<Core.Notifications.DeliveryOptions>().DispatchSeconds;
        var maintenanceMinutes = Options<Core.Assets.AssetOptions>().MaintenanceMinutes;
        var checkpointMinutes = Options<Core.Audit.AuditOptions>().CheckpointMinutes;
        var reportMinutes = Options<Core.Operations.ReportOptions>().ScheduleMinutes;
        // Desk:ScheduledJobs=false leaves the jobs out (tests that do not need them); the sweep can still be run by hand.
        if (sweep.ScheduledJobs)
        {
            app.Services.UseScheduler(s =>
                {
                    s.Schedule<Jobs.EscalationSweepJob>().EverySeconds(seconds).PreventOverlapping(nameof(Jobs.EscalationSweepJob));
                    s.Schedule<Jobs.OutboxDispatchJob>().EverySeconds(dispatchSeconds).PreventOverlapping(nameof(Jobs.OutboxDispatchJob));
                    s.Schedule<Jobs.MaintenanceJob>().Cron($"*/{maintenanceMinutes} * * * *").PreventOverlapping(nameof(Jobs.MaintenanceJob));
                    s.Schedule<Jobs.AuditCheckpointJob>().Cron($"*/{checkpointMinutes} * * * *").PreventOverlapping(nameof(Jobs.AuditCheckpointJob));
                    s.Schedule<Jobs.ScheduledReportJob>().Cron($"*/{reportMinutes} * * * *").PreventOverlapping(nameof(Jobs.ScheduledReportJob));
                    s.Schedule<Jobs.ApprovalTimerJob>().EveryMinute().PreventOverlapping(nameof(Jobs.ApprovalTimerJob));
                })
                .OnError(ex => app.Logger.LogError(ex, "A scheduled job failed; it runs again at its next interval"));
        }

        app.UseForwardedHeaders();
        app.UseExceptionHandler();
        app.UseDeskSecurityHeaders();
        app.UseDeskOriginCheck();
        if (!app.Environment.IsDevelopment())
            app.UseHsts();
        app.UseStatusCodePagesWithReExecute(DeskRoutes.NotFound, createScopeForStatusCodePages: true);
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapGet(Components.Layout.ThemeStylesheet.Path, async (HttpContext ctx) =>
        {
            ctx.Response.Headers.CacheControl = "public, max-age=3600";
            return Results.Text(await Components.Layout.ThemeStylesheet.GetAsync(ctx.RequestServices), "text/css");
        }).AllowAnonymous();
        app.MapAccountEndpoints();
        app.MapAttachmentEndpoints();
        app.MapAssetEndpoints();
        app.MapAuditEndpoints();
        app.MapComplaintEndpoints();
        app.MapDeskHealthChecks();
        app.MapReportEndpoints();
        app.MapSlaEndpoints();
        app.MapApiV1();
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        // The reference's inline script carries this answer's nonce, so the page's CSP holds for it as for every other page.
        // No fonts from Scalar's CDN either: the desk fetches nothing from outside (system fonts serve).
        Scalar.AspNetCore.ScalarEndpointRouteBuilderExtensions.MapScalarApiReference(app, "/api/docs", (o, http) =>
        {
            o.Title = "InternalDesk API";
            o.DefaultFonts = false;
            Scalar.AspNetCore.ScalarOptionsExtensions.WithNonce(o, SecurityHeaders.Nonce(http));
        }).AllowAnonymous();
        app.MapHub<Realtime.DeskHub>(Realtime.DeskHub.Path);
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
    }
}

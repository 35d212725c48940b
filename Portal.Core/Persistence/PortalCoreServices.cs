using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Portal.Core.Departments;
using Portal.Core.Tickets;
using Portal.Core.Users;
using Portal.Core.Admin;
using Portal.Core.Handling;

namespace Portal.Core.Persistence;

public static class PortalCoreServices
{
    public const string ConnectionName = "Desk";

    /// <summary>Registers the database, identity stores and every Core service.</summary>
    public static IdentityBuilder AddPortalCore(this IServiceCollection services, IConfiguration configuration,
        string contentRoot)
    {
        if (DatabaseProvider.Of(configuration) == DatabaseProvider.Postgres)
        {
            var connectionString = PostgresConnectionString(configuration.GetConnectionString(ConnectionName));
            services.AddDbContextFactory<DeskDbContext, PostgresContextFactory>((sp, o) => ConfigurePostgres(o, connectionString, sp.GetService<TimeProvider>()));
        }
        else
        {
            var connectionString = SqliteConnectionString(configuration.GetConnectionString(ConnectionName), contentRoot);
            services.AddDbContextFactory<DeskDbContext>((sp, o) => ConfigureSqlite(o, connectionString, sp.GetService<TimeProvider>()));
        }

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ActorService>();
        services.AddSingleton<SessionRevocations>();
        services.AddSingleton<Admin.SignOutService>();
        services.AddSingleton<TicketChangeFeed>();
        services.AddSingleton<TicketPipeline>();
        // Features that extend tickets join the pipeline at its named steps (Tickets never calls them).
        services.AddSingleton<ITicketHook, Complaints.ComplaintCloseHook>();
        services.AddSingleton<ITicketHook, Catalog.CatalogTaskHook>();
        services.AddSingleton<ITicketHook, Assets.AssetFilingHook>();
        services.AddSingleton<ITicketHook, Approvals.ApprovalPlanning>();
        services.AddSingleton<ICategoriesWithOwnForm, Catalog.CatalogItemCategories>();
        services.AddSingleton<TicketQueries>();
        services.AddSingleton<TicketFiling>();
        services.AddSingleton<TicketCommands>();
        services.AddSingleton<BulkChanges>();
        services.AddSingleton<TicketLinking>();
        services.AddSingleton<QueueService>();
        services.AddSingleton<TicketList>();
        services.AddSingleton<DepartmentDirectory>();
        services.AddSingleton<DepartmentAdminService>();
        services.AddSingleton<UserAdminService>();
        services.AddSingleton<ApiTokenService>();
        services.AddSingleton<WebhookAdminService>();
        services.AddSingleton<Notifications.WebhookSubscriptionCache>();
        services.AddSingleton<ExternalUserService>();
        services.AddSingleton<Sla.SlaConfiguration>();
        services.AddSingleton<Sla.SlaService>();
        services.AddSingleton<Sla.SlaAdminService>();
        services.AddSingleton<Escalations.EscalationService>();
        services.AddSingleton<Escalations.EscalationAdminService>();
        Checked<Notifications.DeliveryOptions>(services, configuration, Notifications.DeliveryOptions.Section,
            (o => o.DispatchSeconds is >= 1 and <= 3600, "Notifications:DispatchSeconds must be between 1 and 3600 seconds."),
            (o => o.MaxAttempts >= 1, "Notifications:MaxAttempts must be at least 1."),
            (o => o.FirstRetryAfter > TimeSpan.Zero, "Notifications:FirstRetryAfter must be a positive time such as 00:00:30."));
        services.AddSingleton<Notifications.NotificationService>();
        services.AddSingleton<Notifications.OutboxDispatcher>();
        services.AddSingleton<Notifications.PreferenceService>();
        services.AddSingleton<Notifications.INotificationChannel, Notifications.SmsChannel>();
        services.AddHttpClient(Notifications.WebhookChannel.ClientName);
        services.AddSingleton<Notifications.INotificationChannel, Notifications.EmailChannel>();
        services.AddSingleton<Notifications.INotificationChannel, Notifications.WebhookChannel>();
        services.AddSingleton<Routing.AutomationService>();
        services.AddSingleton<Reporting.BoardService>();
        Checked<Assets.AssetOptions>(services, configuration, Assets.AssetOptions.Section,
            (o => o.MaintenanceMinutes is >= 1 and <= 59, "Assets:MaintenanceMinutes must be between 1 and 59 minutes."),
            (o => o.RepeatFailureCount >= 0, "Assets:RepeatFailureCount must be 0 or more."),
            (o => o.RepeatFailureWindowDays >= 1, "Assets:RepeatFailureWindowDays must be at least 1 day."));
        services.AddSingleton<Assets.AssetService>();
        services.AddSingleton<Assets.MaintenanceService>();
        services.AddSingleton<Assets.AssetCsv>();
        Checked<Mail.MailOptions>(services, configuration, Mail.MailOptions.Section,
            (o => o.FloodLimit >= 1 && o.FloodWindowMinutes >= 1, "Mail:FloodLimit and Mail:FloodWindowMinutes must be at least 1."),
            (o => o.PollSeconds >= 5, "Mail:PollSeconds must be at least 5."));
        services.AddSingleton<Mail.MailIntake>();
        services.AddSingleton<Mail.MailboxAdminService>();
        services.AddSingleton<Mail.ImapReader>();
        services.AddSingleton<Mail.GraphReader>();
        services.AddSingleton<Mail.DirectoryManagers>();
        services.TryAddSingleton<Mail.IGraphTokenSource, Mail.NoGraphTokens>();
        services.AddHttpClient(Mail.GraphReader.ClientName, c => c.Timeout = TimeSpan.FromSeconds(60));
        services.AddOptions<Mail.GraphOptions>().Bind(configuration.GetSection(Mail.GraphOptions.Section));
        Checked<Audit.AuditOptions>(services, configuration, Audit.AuditOptions.Section,
            (o => o.CheckpointMinutes is >= 1 and <= 59, "Audit:CheckpointMinutes must be between 1 and 59 minutes."));
        services.AddSingleton(sp => new Audit.AuditCheckpoints(sp.GetRequiredService<IDbContextFactory<DeskDbContext>>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<Audit.AuditOptions>>(), contentRoot));
        services.AddSingleton<Audit.AuditService>();
        services.AddSingleton<Audit.AuditExport>();
        services.AddSingleton<Complaints.ComplaintService>();
        services.AddSingleton<Catalog.ServiceCatalog>();
        services.AddSingleton<Approvals.ApprovalService>();
        services.AddSingleton<Approvals.ApprovalAdminService>();
        services.AddSingleton<Approvals.ApprovalTimers>();
        services.AddSingleton<Approvals.ApprovalStepCache>();
        services.AddSingleton<Knowledge.KnowledgeService>();
        services.AddSingleton<Knowledge.ArticleFileService>();
        services.AddSingleton<Responses.CannedResponseService>();
        Checked<Approvals.ApprovalOptions>(services, configuration, Approvals.ApprovalOptions.Section,
            (o => o.LinkValidDays is >= 1 and <= 90, "Approvals:LinkValidDays must be between 1 and 90 days."));
        // Approval links are signed with the data protection key ring (shared by every node with DataProtection:KeysFolder).
        services.AddDataProtection();
        services.AddSingleton<Approvals.ApprovalLinks>();
        services.AddSingleton<Notifications.IEmailAddition>(sp => sp.GetRequiredService<Approvals.ApprovalLinks>());
        services.AddSingleton<Catalog.CatalogAdmin>();
        services.AddSingleton<Reporting.ReportFacts>();
        services.AddSingleton<Operations.LeaseService>();
        Checked<Operations.SweepOptions>(services, configuration, Operations.SweepOptions.Section,
            (o => o.SweepSeconds is >= 1 and <= 3600, "Desk:SweepSeconds must be between 1 and 3600 seconds."));
        Checked<Operations.ReportOptions>(services, configuration, Operations.ReportOptions.Section,
            (o => o.ScheduleMinutes is >= 1 and <= 59, "Reports:ScheduleMinutes must be between 1 and 59 minutes."));
        services.AddSingleton<Operations.ConfigurationVersion>();
        services.AddSingleton<Reporting.ReportService>();
        services.AddSingleton<Reporting.ApprovalReport>();
        services.AddSingleton<Reporting.KnowledgeReport>();
        services.AddSingleton<Reporting.DashboardService>();
        services.AddSingleton<Reporting.ScheduledReportService>();
        services.AddSingleton<DatabaseSetup>();
        services.AddSingleton<DemoData>();
        services.AddSingleton<Admin.TwoStepSignIn>();

        return services.AddIdentityCore<DeskUser>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.Password.RequiredLength = 8;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequireUppercase = false;
                // Wrong passwords never lock (see the web sign-in throttle); five wrong second-step codes lock for 15 minutes.
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                o.Lockout.AllowedForNewUsers = true;
                o.Tokens.AuthenticatorTokenProvider = Users.AuthenticatorCodes.Name;
            })
            .AddEntityFrameworkStores<DeskDbContext>()
            .AddTokenProvider<Users.AuthenticatorCodes>(Users.AuthenticatorCodes.Name);
    }

    /// <summary>The configured connection string, or a desk.db file beside the content root; relative paths resolve there.</summary>
    public static string SqliteConnectionString(string? configured, string contentRoot)
    {
        var builder = new SqliteConnectionStringBuilder(string.IsNullOrWhiteSpace(configured) ? "Data Source=desk.db" : configured);
        if (builder.DataSource != ":memory:" && !Path.IsPathRooted(builder.DataSource))
            builder.DataSource = Path.Combine(contentRoot, builder.DataSource);
        builder.DefaultTimeout = 30;
        builder.Pooling = true;
        return builder.ToString();
    }

    /// <summary>
    /// The server's connection string, required when the provider is PostgreSQL; Npgsql prepares the statements used most
    /// on each connection unless the string says otherwise.
    /// </summary>
    public static string PostgresConnectionString(string? configured)
    {
        NpgsqlSwitches.Set();
        if (string.IsNullOrWhiteSpace(configured))
            throw new InvalidOperationException(
                "Database:Provider is Postgres, so ConnectionStrings:Desk must name the server, e.g. \"Host=db.example;Database=desk;Username=desk;Password=...\".");
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(configured);
        if (!configured.Replace(" ", "", StringComparison.Ordinal).Contains("MaxAutoPrepare", StringComparison.OrdinalIgnoreCase))
            builder.MaxAutoPrepare = 64;
        return builder.ToString();
    }

    /// <summary>
    /// PostgreSQL with the same interceptors as SQLite. Instants are UTC by contract everywhere in the desk and are kept
    /// as <c>timestamp without time zone</c>, as SQLite keeps them as text without a zone (Npgsql's legacy timestamp
    /// mapping; docs/decisions/0017-postgresql.md).
    /// </summary>
    public static void ConfigurePostgres(DbContextOptionsBuilder options, string connectionString, TimeProvider? clock = null, bool withInterceptors = true)
    {
        NpgsqlSwitches.Set();
        options.UseNpgsql(connectionString);
        if (withInterceptors)
            options.AddInterceptors(new Persistence.AuditTrail(clock ?? TimeProvider.System), new Reporting.FactWriter(), new CommitWrites());
    }

    public static void ConfigureSqlite(DbContextOptionsBuilder options, string connectionString, TimeProvider? clock = null) =>
        options.UseSqlite(connectionString)
            .AddInterceptors(new SqlitePragmas(), new Persistence.AuditTrail(clock ?? TimeProvider.System), new Reporting.FactWriter(), new CommitWrites());

    /// <summary>
    /// Binds an options class to its section and checks it when the app starts, so a wrong setting stops the start with
    /// a message naming it instead of surfacing later in a job.
    /// </summary>
    private static void Checked<T>(IServiceCollection services, IConfiguration configuration, string section,
        params (Func<T, bool> Holds, string Message)[] rules) where T : class
    {
        var builder = services.AddOptions<T>().Bind(configuration.GetSection(section));
        foreach (var (holds, message) in rules)
            builder.Validate(holds, message);
        builder.ValidateOnStart();
    }
}

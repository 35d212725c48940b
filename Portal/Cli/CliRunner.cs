using Portal.Core.Admin;
using Portal.Core.Common;
using Portal.Core.Persistence;
using Portal.Core.Security;
using Portal.Core.Users;

namespace Portal.Cli;

/// <summary>
/// Admin verbs run from the same binary and configuration as the web app:
/// <c>migrate</c>, <c>seed --demo</c>, <c>users add ...</c>, <c>users list</c>.
/// Exit codes: 0 done, 1 refused or failed, 2 the command line was wrong.
/// </summary>
public static class CliRunner
{
    private static readonly string[] Verbs = ["migrate", "seed", "users", "sla", "audit", "backup", "mail", "help", "tokens", "--help"];

    public const string Usage = """
        InternalDesk admin commands (run as: dotnet run --project Portal -- <command>)

          migrate                      apply database migrations and exit
          seed --demo                  load the demo organisation into an empty database
          users add --email E --name N --password P [--role Agent|Supervisor|Admin]... [--department CODE]... [--tags VIP]
                                       create a local user (the password may come from DESK_PASSWORD instead);
                                       with --kind service, a service account: no password, never signs in on a page,
                                       acts only through the API tokens made for it with tokens add
          users list                   list every user with roles and departments
          tokens add --email USER --name NAME [--scope S]... [--days N]
                                       make an API token for USER (scopes: tickets:read tickets:write assets:read assets:write
                                       reports:read admin; default tickets:read and tickets:write; 90 days, at most 365) and
                                       print it alone on standard output
          tokens list                  list every API token (never the secret) with its state and last use
          tokens revoke ID             end a token at once
          sla simulate FILE            compute a scenario's SLA (FILE or - for standard input) and print the result
          mail ingest FILE [--mailbox ADDRESS]
                                       take in one raw email (FILE or - for standard input, e.g. from a Postfix pipe) and
                                       print what became of it; exit 0 when it was handled, 1 when it could not be read
          audit verify                 walk the audit trail's hash chain; exit 0 when it holds, 1 naming the first bad entry
          backup FILE                  copy the SQLite database to FILE while the app keeps running (never overwrites)
          help                         show this text

        With no command the web app starts. Configuration (appsettings.json, environment variables such as
        ConnectionStrings__Desk) is the same as the web app's.
        """;

    public static bool IsCommand(string[] args) => args.Length > 0 && Verbs.Contains(args[0]);

    /// <summary>
    /// A first argument that is neither a verb nor a host setting (<c>--urls ...</c>, <c>Key=Value</c>): a mistyped verb,
    /// refused instead of starting the web server.
    /// </summary>
    public static bool IsUnknownVerb(string[] args) =>
        args.Length > 0 && !IsCommand(args) && !args[0].StartsWith('-') && !args[0].Contains('=', StringComparison.Ordinal);

    /// <summary>Says that the verb is unknown and lists the verbs; the exit code for a wrong command line.</summary>
    public static async Task<int> RefuseUnknownAsync(string[] args, TextWriter? error = null)
    {
        error ??= Console.Error;
        await error.WriteLineAsync($"'{args[0]}' is not a command. The commands are: {string.Join(", ", Verbs.Where(v => !v.StartsWith('-')))}.");
        await error.WriteLineAsync("Run 'help' for what each does; with no command the web app starts.");
        return 2;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null,
        IReadOnlyDictionary<string, string?>? settings = null, TextReader? input = null, Stream? binaryInput = null)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        if (args[0] is "help" or "--help")
        {
            await output.WriteLineAsync(Usage);
            return 0;
        }

        if (args[0] == "sla")
            return await SimulateAsync(args, output, error, input ?? Console.In);

        var builder = WebApplication.CreateBuilder(DeskEnvironment.Options([]));
        builder.Logging.ClearProviders();
        if (settings is not null)
            builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddPortalCore(builder.Configuration, builder.Environment.ContentRootPath);
        await using var app = builder.Build();
        var services = app.Services;
        try
        {
            // A backup copies the database as it is (it does not upgrade it first).
            if (args is ["backup", ..])
            {
                if (args is not ["backup", var target])
                {
                    await error.WriteLineAsync("backup: say where to: backup FILE");
                    return 2;
                }

                var (bytes, tickets) = await services.GetRequiredService<DatabaseSetup>().BackupAsync(target);
                await output.WriteLineAsync($"backup: {target} written ({bytes / 1024.0 / 1024.0:N1} MB, {tickets:N0} tickets) and checked by SQLite's integrity check.");
                return 0;
            }

            var applied = await services.GetRequiredService<DatabaseSetup>().MigrateAsync();
            switch (args)
            {
                case ["migrate"]:
                    await output.WriteLineAsync(applied.Count == 0
                        ? "The database is up to date."
                        : $"Applied {applied.Count} migration(s): {string.Join(", ", applied)}");
                    return 0;
                case ["seed", "--demo"]:
                    var demo = services.GetRequiredService<DemoData>();
                    if (!await demo.IsEmptyAsync())
                    {
                        await error.WriteLineAsync("seed: the database already has users or tickets; the demo data loads only into an empty database.");
                        return 1;
                    }

                    var count = await demo.LoadAsync();
                    await output.WriteLineAsync($"Loaded the demo organisation: {DemoData.Accounts.Count} named sign-ins, {count} tickets. Password for every demo account: {DemoData.Password}");
                    return 0;
                case ["seed", ..]:
                    await error.WriteLineAsync("seed: say what to load: seed --demo");
                    return 2;
                case ["users", "add", .. var rest]:
                    return await AddUserAsync(services, rest, output, error);
                case ["users", "list"]:
                    return await ListUsersAsync(services, output);
                case ["tokens", "add", .. var tokenArgs]:
                    return await AddTokenAsync(services, tokenArgs, output, error);
                case ["tokens", "list"]:
                    return await ListTokensAsync(services, output);
                case ["tokens", "revoke", var tokenId] when int.TryParse(tokenId, out var revokeId):
                    await services.GetRequiredService<ApiTokenService>().RevokeAsync(UserAdminService.Console, revokeId);
                    await output.WriteLineAsync($"tokens revoke: token #{revokeId} no longer works, on every node.");
                    return 0;
                case ["tokens", ..]:
                    await error.WriteLineAsync("usage: tokens add --email USER --name NAME [--scope S]... [--days N] | tokens list | tokens revoke ID");
                    return 2;
                case ["mail", "ingest", var source]:
                    return await IngestMailAsync(services, source, null, output, error, binaryInput);
                case ["mail", "ingest", var source, "--mailbox", var mailbox]:
                    return await IngestMailAsync(services, source, mailbox, output, error, binaryInput);
                case ["mail", ..]:
                    await error.WriteLineAsync("usage: mail ingest FILE [--mailbox ADDRESS]   (or - to read the message from standard input)");
                    return 2;
                case ["audit", "verify"]:
                    var result = await services.GetRequiredService<Core.Audit.AuditService>().VerifyAsync();
                    if (!result.Holds)
                    {
                        await error.WriteLineAsync($"audit verify: FAILED at entry {result.FirstBadId}: {result.Problem} ({result.Checked:N0} entries before it verified)");
                        return 1;
                    }

                    await output.WriteLineAsync($"audit verify: {result.Checked:N0} entries verified in {result.Took.TotalSeconds:F2} s ({result.PerSecond:N0} per second); the chain holds"
                        + (result.Checkpoints is { } marks ? $", and so do its {marks} checkpoints." : "; no checkpoint key is configured (Audit:CheckpointKey), so a rewrite of the whole chain would not show."));
                    return 0;
                default:
                    await error.WriteLineAsync($"Unknown command: {string.Join(' ', args)}\n\n{Usage}");
                    return 2;
            }
        }
        catch (DeskValidationException ex)
        {
            foreach (var (field, message) in ex.Errors)
                await error.WriteLineAsync($"{field}: {message}");
            return 1;
        }
        catch (Exception ex) when (ex is DeskNotFoundException or DeskForbiddenException)
        {
            await error.WriteLineAsync($"{args[0]}: {ex.Message}");
            return 1;
        }
    }

    /// <summary>"--key value" pairs (a key may repeat), or null after saying which part of the command line is wrong.</summary>
    private static async Task<Dictionary<string, List<string>>?> OptionsAsync(string verb, string[] args, string[] known, TextWriter error)
    {
        var options = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                await error.WriteLineAsync($"{verb}: expected --option value, got \"{args[i]}\"");
                return null;
            }

            var key = args[i][2..];
            if (!known.Contains(key))
            {
                await error.WriteLineAsync($"{verb}: unknown option --{key}");
                return null;
            }

            if (!options.TryGetValue(key, out var list))
                options[key] = list = [];
            list.Add(args[++i]);
        }

        return options;
    }

    /// <summary>tokens add: the new token alone on standard output, for a script to keep.</summary>
    private static async Task<int> AddTokenAsync(IServiceProvider services, string[] args, TextWriter output, TextWriter error)
    {
        var options = await OptionsAsync("tokens add", args, ["email", "name", "scope", "days"], error);
        if (options is null)
            return 2;
        if (options.GetValueOrDefault("email") is not [var email] || options.GetValueOrDefault("name") is not [var name])
        {
            await error.WriteLineAsync("tokens add: say whose and what for: tokens add --email USER --name NAME [--scope S]... [--days N]");
            return 2;
        }

        int? days = null;
        if (options.GetValueOrDefault("days") is [var d])
        {
            if (!int.TryParse(d, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
            {
                await error.WriteLineAsync($"tokens add: --days \"{d}\" is not a whole number of days");
                return 2;
            }

            days = parsed;
        }

        var scopes = options.GetValueOrDefault("scope", [ApiScopes.TicketsRead, ApiScopes.TicketsWrite])
            .SelectMany(x => x.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToList();
        var userId = await services.GetRequiredService<Core.Handling.TicketQueries>().UserIdByEmailAsync(email);
        if (userId is null)
        {
            await error.WriteLineAsync($"tokens add: no active user has the email {email}");
            return 1;
        }

        var made = await services.GetRequiredService<ApiTokenService>().CreateAsync(UserAdminService.Console, userId, name, scopes, days);
        await output.WriteLineAsync(made.Secret);
        await error.WriteLineAsync($"tokens add: token #{made.Token.Id} \"{made.Token.Name}\" for {made.Token.UserEmail} ({string.Join(" ", made.Token.Scopes)}), "
            + $"expires {made.Token.ExpiresAt:yyyy-MM-dd}. It is shown this once.");
        return 0;
    }

    private static async Task<int> ListTokensAsync(IServiceProvider services, TextWriter output)
    {
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        var rows = await services.GetRequiredService<ApiTokenService>().ListAllAsync(UserAdminService.Console);
        await output.WriteLineAsync("id\tuser\tname\tscopes\tstarts\texpires\tlast used\tstate");
        foreach (var t in rows)
            await output.WriteLineAsync($"{t.Id}\t{t.UserEmail}\t{t.Name}\t{string.Join(' ', t.Scopes)}\t{t.Prefix}\t{t.ExpiresAt:yyyy-MM-dd}\t"
                + $"{(t.LastUsedAt is { } used ? used.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) : "never")}\t"
                + (t.RevokedAt is not null ? "revoked" : t.ExpiresAt <= now ? "expired" : "active"));
        return 0;
    }

    /// <summary>sla simulate FILE|-: the scenario in, the result document out; no database is touched.</summary>
    private static async Task<int> SimulateAsync(string[] args, TextWriter output, TextWriter error, TextReader input)
    {
        if (args is not ["sla", "simulate", var source])
        {
            await error.WriteLineAsync("usage: sla simulate FILE   (or - to read the scenario from standard input)");
            return 2;
        }

        string json;
        try
        {
            json = source == "-" ? await input.ReadToEndAsync() : await File.ReadAllTextAsync(source);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            await error.WriteLineAsync($"sla simulate: cannot read \"{source}\": {ex.Message}");
            return 2;
        }

        try
        {
            await output.WriteAsync(Core.Sla.SlaSimulator.Run(json));
            return 0;
        }
        catch (Core.Sla.SlaInputException ex)
        {
            await error.WriteLineAsync(ex.Message);
            return 2;
        }
    }

    /// <summary>mail ingest FILE|-: one line saying what became of the message; 0 when handled, 1 when it could not be read.</summary>
    private static async Task<int> IngestMailAsync(IServiceProvider services, string source, string? mailbox, TextWriter output, TextWriter error,
        Stream? binaryInput)
    {
        byte[] raw;
        try
        {
            if (source == "-")
            {
                using var buffer = new MemoryStream();
                await (binaryInput ?? Console.OpenStandardInput()).CopyToAsync(buffer);
                raw = buffer.ToArray();
            }
            else
            {
                raw = await File.ReadAllBytesAsync(source);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            await error.WriteLineAsync($"mail ingest: cannot read \"{source}\": {ex.Message}");
            return 1;
        }

        try
        {
            var result = await services.GetRequiredService<Core.Mail.MailIntake>().IngestAsync(raw, mailbox);
            await output.WriteLineAsync(result.Line);
            return 0;
        }
        catch (Core.Mail.MailUnreadableException ex)
        {
            await error.WriteLineAsync($"mail ingest: {ex.Message}");
            return 1;
        }
    }

    private static async Task<int> AddUserAsync(IServiceProvider services, string[] args, TextWriter output, TextWriter error)
    {
        var options = await OptionsAsync("users add", args, ["email", "name", "password", "role", "department", "tags", "kind"], error);
        if (options is null)
            return 2;

        var roles = DeskRole.Requester;
        foreach (var name in options.GetValueOrDefault("role", []).SelectMany(r => r.Split(',', StringSplitOptions.TrimEntries)))
        {
            if (!Enum.TryParse<DeskRole>(name, ignoreCase: true, out var role) || int.TryParse(name, out _))
            {
                await error.WriteLineAsync($"users add: --role \"{name}\" is not one of Requester, Agent, Supervisor, Admin");
                return 2;
            }

            roles |= role;
        }

        var codes = options.GetValueOrDefault("department", []).Select(c => c.Trim().ToUpperInvariant()).ToList();
        var catalog = await services.GetRequiredService<Portal.Core.Departments.DepartmentDirectory>().ListDepartmentsAsync();
        var unknown = codes.Where(c => catalog.All(d => d.Code != c)).ToList();
        if (unknown.Count > 0)
        {
            await error.WriteLineAsync($"users add: --department {string.Join(", ", unknown)} does not exist (known: {string.Join(", ", catalog.Select(d => d.Code))})");
            return 1;
        }

        var kind = options.GetValueOrDefault("kind")?.LastOrDefault() ?? "person";
        if (kind is not ("person" or "service"))
        {
            await error.WriteLineAsync($"users add: --kind \"{kind}\" is not person or service");
            return 2;
        }

        var service = kind == "service";
        var password = service ? options.GetValueOrDefault("password")?.LastOrDefault()
            : options.GetValueOrDefault("password")?.LastOrDefault() ?? Environment.GetEnvironmentVariable("DESK_PASSWORD");
        var input = new UserInput(null, options.GetValueOrDefault("email")?.LastOrDefault() ?? "",
            options.GetValueOrDefault("name")?.LastOrDefault() ?? "", password, roles,
            catalog.Where(d => codes.Contains(d.Code)).Select(d => d.Id).ToList(), [], null,
            options.GetValueOrDefault("tags")?.LastOrDefault() ?? "", true) { IsServiceAccount = service };
        var id = await services.GetRequiredService<UserAdminService>().SaveAsync(UserAdminService.Console, input);
        await output.WriteLineAsync($"Created {input.Email} ({roles}) with id {id}.");
        return 0;
    }

    private static async Task<int> ListUsersAsync(IServiceProvider services, TextWriter output)
    {
        var page = await services.GetRequiredService<UserAdminService>().ListAsync(UserAdminService.Console, null, 1, 200);
        foreach (var u in page.Items)
            await output.WriteLineAsync($"{u.Email,-40} {u.DisplayName,-25} {u.Roles,-28} {u.Departments,-12} {(u.IsActive ? "" : "deactivated")}");
        await output.WriteLineAsync($"{page.Total} user(s)");
        return 0;
    }
}

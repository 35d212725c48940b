using Microsoft.Data.Sqlite;
using Portal.Cli;

namespace Portal.Tests.Integration;

/// <summary>
/// The admin verbs, run in-process against a fresh SQLite file through the same configuration path as the app. Only on
/// SQLite: the backup verb is SQLite's own, and on PostgreSQL migrating is what every other test's start runs.
/// </summary>
[Trait("Database", "Sqlite")]
public sealed class CliTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "internaldesk-cli", Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, string?> _settings;

    public CliTests()
    {
        Directory.CreateDirectory(_directory);
        _settings = new() { ["ConnectionStrings:Desk"] = $"Data Source={Path.Combine(_directory, "desk.db")}" };
    }

    private async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CliRunner.RunAsync(args, output, error, _settings);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task MailIngest_OnAFreshDemoDesk_FilesAMessageToItsMailbox_SaysSoInOneLine_AndADuplicateIsNoChange()
    {
        Assert.Equal(0, (await Run("seed", "--demo")).Code);
        var file = Path.Combine(_directory, "message.eml");
        await File.WriteAllBytesAsync(file, Portal.Tests.Mail.MailIntakeTests.Mail("erin.employee@acme.example", "facilities@acme.example",
            "The lift on floor 4 is stuck", "It stops between floors."));
        var filed = await Run("mail", "ingest", file);
        Assert.Equal(0, filed.Code);
        Assert.Matches(@"^new request FAC-\d+$", filed.Out.Trim());

        var again = await Run("mail", "ingest", file);
        Assert.Equal((0, "duplicate: taken in before"), (again.Code, again.Out.Trim()));

        var auto = Path.Combine(_directory, "auto.eml");
        await File.WriteAllBytesAsync(auto, Portal.Tests.Mail.MailIntakeTests.Mail("erin.employee@acme.example", "it@acme.example", "Out of office",
            "Away.", m => m.Headers.Add("Auto-Submitted", "auto-replied")));
        var ignored = await Run("mail", "ingest", auto);
        Assert.Equal((0, "ignored: auto-reply"), (ignored.Code, ignored.Out.Trim()));

        var junk = Path.Combine(_directory, "junk.eml");
        await File.WriteAllTextAsync(junk, "this is not a mail message");
        var unreadable = await Run("mail", "ingest", junk);
        Assert.Equal((1, ""), (unreadable.Code, unreadable.Out));
        Assert.StartsWith("mail ingest: not a mail message", unreadable.Err);
        Assert.Equal(2, (await Run("mail", "ingest")).Code);
    }

    [Fact]
    public async Task AuditVerify_SaysTheChainHolds_ThenNamesATamperedEntry()
    {
        Assert.Equal(0, (await Run("seed", "--demo")).Code);
        var holds = await Run("audit", "verify");
        Assert.Equal(0, holds.Code);
        Assert.Matches(@"^audit verify: [\d,]+ entries verified in [\d.]+ s \([\d,]+ per second\); the chain holds; no checkpoint key is configured", holds.Out.Trim());

        await using (var connection = new SqliteConnection(_settings["ConnectionStrings:Desk"]))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "DROP TRIGGER AuditEntries_NoUpdate; UPDATE AuditEntries SET Action = Action || '!' WHERE Id = 42";
            await command.ExecuteNonQueryAsync();
        }

        var broken = await Run("audit", "verify");
        Assert.Equal(1, broken.Code);
        Assert.StartsWith("audit verify: FAILED at entry 42: entry 42 was changed after it was written", broken.Err.Trim());
        Assert.Contains("41 entries before it verified", broken.Err);
    }

    [Fact]
    public async Task Backup_CopiesTheLiveDatabase_ChecksTheCopy_AndNeverOverwrites()
    {
        Assert.Equal(0, (await Run("seed", "--demo")).Code);
        var target = Path.Combine(_directory, "backup.db");
        var done = await Run("backup", target);
        Assert.Equal(0, done.Code);
        Assert.Matches(@"^backup: .*backup\.db written \([\d.,]+ MB, [1-9][\d,]* tickets\) and checked by SQLite's integrity check\.$", done.Out.Trim());
        await using (var copy = new SqliteConnection($"Data Source={target};Mode=ReadOnly;Pooling=False"))
        {
            await copy.OpenAsync();
            await using var command = copy.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM AuditEntries";
            Assert.True((long)(await command.ExecuteScalarAsync())! > 0);
        }

        var again = await Run("backup", target);
        Assert.Equal(1, again.Code);
        Assert.Contains("already exists", again.Err);
        Assert.Equal(2, (await Run("backup")).Code);
    }

    [Fact]
    public async Task Migrate_CreatesTheDatabase_ThenSaysItIsUpToDate()
    {
        var first = await Run("migrate");
        Assert.Equal(0, first.Code);
        Assert.Contains("migration(s): ", first.Out);
        Assert.Contains("_Initial", first.Out);
        var second = await Run("migrate");
        Assert.Equal("The database is up to date.", second.Out.Trim());
    }

    [Fact]
    public async Task SeedDemo_LoadsOnce_AndRefusesASecondTime()
    {
        var first = await Run("seed", "--demo");
        Assert.Equal(0, first.Code);
        Assert.Contains("314 tickets", first.Out); // 306 made directly, 2 requests by email and 6 filed to show approvals
        var list = await Run("users", "list");
        Assert.Contains("ada.admin@acme.example", list.Out);
        Assert.Contains("41 user(s)", list.Out);
        Assert.Contains("audrey.auditor@acme.example", list.Out);
        var second = await Run("seed", "--demo");
        Assert.Equal(1, second.Code);
        Assert.Contains("already has users or tickets", second.Err);
    }

    [Fact]
    public async Task Seed_WithoutWhat_IsAUsageError()
    {
        var result = await Run("seed");
        Assert.Equal(2, result.Code);
        Assert.Contains("seed --demo", result.Err);
    }

    [Fact]
    public async Task UsersAdd_CreatesAnAdminWhoCanSignIn()
    {
        var result = await Run("users", "add", "--email", "boss@corp.example", "--name", "The Boss", "--password", "verysecret1",
            "--role", "Admin", "--department", "it");
        Assert.Equal(0, result.Code);
        Assert.Contains("Created boss@corp.example (Admin)", result.Out);

        await using var connection = new SqliteConnection(_settings["ConnectionStrings:Desk"]);
        await connection.OpenAsync();
        var command = connection.CreateCommand();
        command.CommandText = "SELECT Roles, PasswordHash IS NOT NULL FROM AspNetUsers WHERE Email = 'boss@corp.example'";
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(4, reader.GetInt32(0));
        Assert.True(reader.GetBoolean(1));
    }

    [Fact]
    public async Task TokensAdd_PrintsTheTokenAlone_ListShowsItWithoutTheSecret_AndRevokeEndsIt()
    {
        var account = await Run("users", "add", "--email", "monitor@corp.example", "--name", "Monitoring", "--kind", "service", "--role", "Agent", "--department", "it");
        Assert.Equal(0, account.Code);
        Assert.Equal(1, (await Run("users", "add", "--email", "m2@corp.example", "--name", "M2", "--kind", "service", "--password", "verysecret1")).Code);
        var made = await Run("tokens", "add", "--email", "monitor@corp.example", "--name", "nagios", "--scope", "tickets:write", "--days", "30");
        Assert.Equal(0, made.Code);
        var secret = made.Out.Trim();
        Assert.Matches("^idk_[A-Za-z0-9_-]{43}$", secret);

        var listed = await Run("tokens", "list");
        Assert.Contains("monitor@corp.example\tnagios\ttickets:write", listed.Out);
        Assert.DoesNotContain(secret, listed.Out);
        Assert.Contains("active", listed.Out);

        var id = listed.Out.Split('\n')[1].Split('\t')[0];
        Assert.Equal(0, (await Run("tokens", "revoke", id)).Code);
        Assert.Contains("revoked", (await Run("tokens", "list")).Out);

        var tooLong = await Run("tokens", "add", "--email", "monitor@corp.example", "--name", "x", "--days", "400");
        Assert.Equal(1, tooLong.Code);
        Assert.Contains("days", tooLong.Err);
        Assert.Equal(1, (await Run("tokens", "add", "--email", "nobody@corp.example", "--name", "x")).Code);
        Assert.Contains("admin is only for a token of an admin", (await Run("tokens", "add", "--email", "monitor@corp.example", "--name", "x", "--scope", "admin")).Err);
    }

    [Theory]
    [InlineData(new[] { "users", "add", "--email", "x@corp.example", "--name", "X", "--password", "longenough1", "--role", "Wizard" }, 2, "--role \"Wizard\"")]
    [InlineData(new[] { "users", "add", "--email", "x@corp.example", "--name", "X", "--password", "longenough1", "--department", "NOPE" }, 1, "--department NOPE does not exist")]
    [InlineData(new[] { "users", "add", "--email", "not-an-email", "--name", "X", "--password", "longenough1" }, 1, "Email: \"not-an-email\" is not an email address")]
    [InlineData(new[] { "users", "add", "--email", "x@corp.example", "--name", "X", "--password", "short" }, 1, "Password:")]
    [InlineData(new[] { "users", "add", "--colour", "blue" }, 2, "unknown option --colour")]
    [InlineData(new[] { "users", "fly" }, 2, "Unknown command")]
    public async Task BadCommandLine_NamesTheProblem(string[] args, int code, string message)
    {
        var result = await Run(args);
        Assert.Equal(code, result.Code);
        Assert.Contains(message, result.Err);
    }

    [Fact]
    public async Task AMistypedVerb_IsRefusedWithTheVerbs_InsteadOfStartingTheWebServer()
    {
        // The real program, as an admin types it: a web server that started would never exit (the wait would time out).
        var portal = Path.Combine(AppContext.BaseDirectory, "Portal.dll");
        var start = new System.Diagnostics.ProcessStartInfo("dotnet", [portal, "migrat"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = _directory,
        };
        using var process = System.Diagnostics.Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        finally
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
        }

        Assert.Equal(2, process.ExitCode);
        Assert.Contains("'migrat' is not a command", await error);
        Assert.Contains("migrate, seed, users, sla, audit, backup, mail, help, tokens", await error);
        Assert.True(CliRunner.IsUnknownVerb(["migrat"]));
        Assert.False(CliRunner.IsUnknownVerb(["--urls", "http://127.0.0.1:5081"]));
        Assert.False(CliRunner.IsUnknownVerb(["Desk:SweepSeconds=5"]));
    }

    [Fact]
    public async Task Help_ListsTheVerbs()
    {
        var result = await Run("help");
        Assert.Equal(0, result.Code);
        Assert.Contains("seed --demo", result.Out);
        Assert.Contains("users add", result.Out);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, true);
        }
        catch (IOException)
        {
            // Left for the OS to clean.
        }
    }
}

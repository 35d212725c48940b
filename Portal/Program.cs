using Portal;
using Portal.Cli;

if (CliRunner.IsCommand(args))
    return await CliRunner.RunAsync(args);
if (CliRunner.IsUnknownVerb(args))
    return await CliRunner.RefuseUnknownAsync(args);

var builder = WebApplication.CreateBuilder(DeskEnvironment.Options(args));
builder.AddPortalWeb();
var app = builder.Build();
await app.PreparePortalAsync();
app.UsePortalWeb();
await app.RunAsync();
return 0;

/// <summary>The web app's entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;

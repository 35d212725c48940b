namespace Portal;

/// <summary>
/// Which environment the app runs in when nobody said: Development when it is started from its source folder
/// (where `dotnet run --project Portal` starts it), Production anywhere else, such as a published folder.
/// ASPNETCORE_ENVIRONMENT or DOTNET_ENVIRONMENT always win. (No launch profile is used, so that `dotnet run`
/// prints nothing of its own to standard output and the command-line verbs' output stays clean.)
/// </summary>
public static class DeskEnvironment
{
    public static WebApplicationOptions Options(string[] args)
    {
        var contentRoot = Directory.GetCurrentDirectory();
        var explicitly = Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT");
        var fromSource = File.Exists(Path.Combine(contentRoot, "Portal.csproj"));
        return new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = contentRoot,
            EnvironmentName = explicitly is null && fromSource ? Environments.Development : null,
        };
    }
}

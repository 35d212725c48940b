namespace Portal;

public sealed class DeskOptions
{
    public const string Section = "Desk";

    /// <summary>Load the demo organisation when the database is empty at start (Development only).</summary>
    public bool SeedDemoDataOnFirstStart { get; set; }

    /// <summary>List the demo sign-ins on the sign-in page (Development only).</summary>
    public bool ShowDemoSignIns { get; set; }
}

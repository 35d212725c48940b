namespace Portal;

public sealed class DeskOptions
{
    public const string Section = "Desk";

    /// <summary>Load the demo organisation when the database is empty at start (Development only).</summary>
    public bool SeedDemoDataOnFirstStart { get; set; }

    /// <summary>List the demo sign-ins on the sign-in page (Development only).</summary>
    public bool ShowDemoSignIns { get; set; }

    /// <summary>
    /// How often an open page and a sign-in cookie are checked against the account (deactivated, a right taken away,
    /// signed out everywhere) when no signal from the node that made the change arrived. Seconds; 60 by default.
    /// </summary>
    public int SessionCheckSeconds { get; set; } = 60;
}

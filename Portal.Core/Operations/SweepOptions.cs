namespace Portal.Core.Operations;

/// <summary>The escalation sweep's schedule (section Desk); checked when the app starts.</summary>
public sealed class SweepOptions
{
    public const string Section = "Desk";

    /// <summary>How often the sweep runs, and so how soon an edit on one node reaches the others' caches; 1 to 3600.</summary>
    public int SweepSeconds { get; set; } = 10;
}

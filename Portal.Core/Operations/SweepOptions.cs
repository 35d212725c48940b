namespace Portal.Core.Operations;

/// <summary>The escalation sweep's schedule and the scheduled jobs' switch (section Desk); checked when the app starts.</summary>
public sealed class SweepOptions
{
    public const string Section = "Desk";

    /// <summary>How often the sweep runs, and so how soon an edit on one node reaches the others' caches; 1 to 3600.</summary>
    public int SweepSeconds { get; set; } = 10;

    /// <summary>False leaves the scheduled jobs out (tests that run them by hand).</summary>
    public bool ScheduledJobs { get; set; } = true;
}

/// <summary>The scheduled reports' schedule (section Reports).</summary>
public sealed class ReportOptions
{
    public const string Section = "Reports";

    /// <summary>How often due scheduled reports are sent, in minutes; 1 to 59.</summary>
    public int ScheduleMinutes { get; set; } = 5;
}

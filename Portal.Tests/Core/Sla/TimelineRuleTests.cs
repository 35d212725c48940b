using static Portal.Tests.Core.Sla.Sim;

namespace Portal.Tests.Core.Sla;

/// <summary>Rules 5 and 7 to 15 of the SLA contract: pauses, what stops what, priority changes, warnings, breaches, states.</summary>
public class TimelineRuleTests
{
    // Tuesday 8 December 2026 in Berlin works 07:00Z-16:00Z straight, which keeps the arithmetic plain.
    private const string T0 = "2026-12-08T07:00:00Z";

    [Fact]
    public void Pause_PerMetric_PausesOnlyTheMetricsNamed()
    {
        var r = Run(Events(Created(T0), Status("2026-12-08T07:30:00Z", "PendingRequester")), "2026-12-08T10:00:00Z",
            pauseOn: """{ "resolution": ["PendingRequester"] }""");
        Assert.Equal("breached", r["firstResponse"].State);
        Assert.Equal("PT3H", r["firstResponse"].Elapsed);
        Assert.Equal("paused", r["resolution"].State);
        Assert.Equal("PT30M", r["resolution"].Elapsed);
        Assert.Equal("PT7H30M", r["resolution"].Remaining);
        Assert.Null(r["resolution"].DueAt);
    }

    [Fact]
    public void Pause_Resume_KeepsTheCountedTime()
    {
        var r = Run(Events(Created(T0, "Normal"), Status("2026-12-08T08:00:00Z", "OnHold"), Status("2026-12-08T11:00:00Z", "Open")),
            "2026-12-08T12:00:00Z");
        Assert.Equal("PT2H", r["resolution"].Elapsed);
        Assert.Equal("running", r["resolution"].State);
        Assert.Equal("2026-12-08T14:00:00Z", r["firstResponse"].DueAt);
    }

    [Fact]
    public void Pause_CreatedInPausingStatus_StartsPaused()
    {
        var r = Run(Created(T0, "High", "OnHold"), "2026-12-08T09:00:00Z");
        Assert.Equal("paused", r["resolution"].State);
        Assert.Equal("PT0S", r["resolution"].Elapsed);
        Assert.Null(r["resolution"].DueAt);
        Assert.Equal("paused", r["firstResponse"].State);
    }

    [Theory]
    [InlineData("agent", false)]
    [InlineData("requester", true)]
    [InlineData("system", true)]
    public void FirstResponse_OnlyAPublicAgentReplyMeetsIt(string by, bool isPublic)
    {
        var r = Run(Events(Created(T0), Reply("2026-12-08T07:10:00Z", by, isPublic)), "2026-12-08T07:20:00Z");
        Assert.Equal("running", r["firstResponse"].State);
        Assert.Null(r["firstResponse"].StoppedAt);
    }

    [Fact]
    public void FirstResponse_PublicAgentReply_MeetsIt()
    {
        var r = Run(Events(Created(T0), Reply("2026-12-08T07:10:00Z", "agent")), "2026-12-08T09:00:00Z");
        Assert.Equal("met", r["firstResponse"].State);
        Assert.Equal("PT10M", r["firstResponse"].Elapsed);
        Assert.Equal("PT50M", r["firstResponse"].Remaining);
        Assert.Equal("2026-12-08T08:00:00Z", r["firstResponse"].DueAt);
        Assert.Equal("2026-12-08T07:10:00Z", r["firstResponse"].StoppedAt);
    }

    [Fact]
    public void NextResponse_IsIdleUntilTheRequesterWritesAfterTheFirstResponse()
    {
        var before = Run(Events(Created(T0), Reply("2026-12-08T07:05:00Z", "requester")), "2026-12-08T07:30:00Z");
        Assert.Equal("idle", before["nextResponse"].State);
        Assert.Equal("PT2H", before["nextResponse"].Remaining);
        Assert.Equal("PT0S", before["nextResponse"].Elapsed);
        Assert.Null(before["nextResponse"].DueAt);
    }

    [Fact]
    public void NextResponse_Cycle_StartsAtRequesterMessage_StopsAtAgentReply_FurtherMessagesDoNotRestart()
    {
        var events = Events(Created(T0), Reply("2026-12-08T07:10:00Z", "agent"),
            Reply("2026-12-08T08:00:00Z", "requester"), Reply("2026-12-08T09:00:00Z", "requester"), Reply("2026-12-08T09:30:00Z", "agent", false));
        var running = Run(events, "2026-12-08T09:45:00Z");
        Assert.Equal("PT1H45M", running["nextResponse"].Elapsed);
        Assert.Equal("2026-12-08T10:00:00Z", running["nextResponse"].DueAt);
        Assert.Equal("warning", running["nextResponse"].State);
        Assert.Equal("0.75", running["nextResponse"].Warning);

        var met = Run(Events(events, Reply("2026-12-08T09:50:00Z", "agent")), "2026-12-08T11:00:00Z");
        Assert.Equal("met", met["nextResponse"].State);
        Assert.Equal("2026-12-08T09:50:00Z", met["nextResponse"].StoppedAt);
        Assert.Equal("0.9", met["nextResponse"].Warning);
    }

    [Fact]
    public void NextResponse_EachCycleHasTheFullTarget_ResultReportsTheCurrentCycle()
    {
        var events = Events(Created(T0), Reply("2026-12-08T07:10:00Z", "agent"),
            Reply("2026-12-08T08:00:00Z", "requester"), Reply("2026-12-08T11:00:00Z", "agent"),
            Reply("2026-12-08T12:00:00Z", "requester"));
        var r = Run(events, "2026-12-08T12:30:00Z");
        Assert.Equal("running", r["nextResponse"].State);
        Assert.Equal("PT30M", r["nextResponse"].Elapsed);
        Assert.Null(r["nextResponse"].BreachedAt);
        Assert.Equal("2026-12-08T14:00:00Z", r["nextResponse"].DueAt);

        var last = Run(Events(Created(T0), Reply("2026-12-08T07:10:00Z", "agent"), Reply("2026-12-08T08:00:00Z", "requester"),
            Reply("2026-12-08T11:00:00Z", "agent")), "2026-12-08T12:30:00Z");
        Assert.Equal("missed", last["nextResponse"].State);
        Assert.Equal("2026-12-08T10:00:00Z", last["nextResponse"].BreachedAt);
    }

    [Fact]
    public void NextResponse_RequesterMessageWhileResolved_DoesNotStartACycle()
    {
        var r = Run(Events(Created(T0), Reply("2026-12-08T07:10:00Z", "agent"), Status("2026-12-08T08:00:00Z", "Resolved"),
            Reply("2026-12-08T09:00:00Z", "requester")), "2026-12-08T10:00:00Z");
        Assert.Equal("idle", r["nextResponse"].State);
    }

    [Fact]
    public void Resolution_StopsAtResolved_AndClosingDoesNotMoveTheStop()
    {
        var r = Run(Events(Created(T0), Status("2026-12-08T09:00:00Z", "Resolved"), Status("2026-12-08T12:00:00Z", "Closed")),
            "2026-12-08T13:00:00Z");
        Assert.Equal("Closed", r.Status);
        Assert.Equal("met", r["resolution"].State);
        Assert.Equal("2026-12-08T09:00:00Z", r["resolution"].StoppedAt);
        Assert.Equal("PT2H", r["resolution"].Elapsed);
        Assert.Equal("missed", r["firstResponse"].State);
        Assert.Equal("2026-12-08T09:00:00Z", r["firstResponse"].StoppedAt);
    }

    [Fact]
    public void Resolution_Reopen_ResumesTheBudget_TimeResolvedDoesNotCount()
    {
        var r = Run(Events(Created(T0), Reply("2026-12-08T07:05:00Z", "agent"), Status("2026-12-08T09:00:00Z", "Resolved"),
            Status("2026-12-08T12:00:00Z", "Open")), "2026-12-08T13:00:00Z");
        Assert.Equal("running", r["resolution"].State);
        Assert.Equal("PT3H", r["resolution"].Elapsed);
        Assert.Null(r["resolution"].StoppedAt);
        Assert.Equal("2026-12-09T09:00:00Z", r["resolution"].DueAt);
        Assert.Equal("met", r["firstResponse"].State);
    }

    [Fact]
    public void Resolution_ReopenAfterPriorityChange_TakesCurrentTarget_NotEarlierThanReopen()
    {
        var r = Run(Events(Created(T0, "Normal"), Reply("2026-12-08T07:05:00Z", "agent"), Status("2026-12-08T13:00:00Z", "Resolved"),
            Priority("2026-12-08T14:00:00Z", "Critical"), Status("2026-12-08T15:00:00Z", "Open")), "2026-12-08T15:00:00Z");
        Assert.Equal("PT4H", r["resolution"].Target);
        Assert.Equal("PT6H", r["resolution"].Elapsed);
        Assert.Equal("2026-12-08T15:00:00Z", r["resolution"].DueAt);
        Assert.Equal("warning", r["resolution"].State);
        var later = Run(Events(Created(T0, "Normal"), Reply("2026-12-08T07:05:00Z", "agent"), Status("2026-12-08T13:00:00Z", "Resolved"),
            Priority("2026-12-08T14:00:00Z", "Critical"), Status("2026-12-08T15:00:00Z", "Open")), "2026-12-08T15:00:01Z");
        Assert.Equal("breached", later["resolution"].State);
        Assert.Equal("2026-12-08T15:00:00Z", later["resolution"].BreachedAt);
    }

    [Fact]
    public void Resolution_BreachedBeforeStop_StaysBreachedAfterReopen()
    {
        var r = Run(Events(Created(T0, "Critical"), Reply("2026-12-08T07:05:00Z", "agent"), Status("2026-12-08T12:00:00Z", "Resolved"),
            Status("2026-12-08T13:00:00Z", "Open")), "2026-12-08T13:30:00Z");
        Assert.Equal("breached", r["resolution"].State);
        Assert.Equal("2026-12-08T11:00:00Z", r["resolution"].BreachedAt);
        Assert.Equal("2026-12-08T11:00:00Z", r["resolution"].DueAt);
        Assert.Equal("PT5H30M", r["resolution"].Elapsed);
        Assert.Equal("PT0S", r["resolution"].Remaining);
    }

    [Fact]
    public void CreatedResolved_StopsFirstResponseAndResolutionAtCreation()
    {
        var r = Run(Created(T0, "High", "Resolved"), "2026-12-08T10:00:00Z");
        Assert.Equal("met", r["firstResponse"].State);
        Assert.Equal(T0, r["firstResponse"].StoppedAt);
        Assert.Equal("PT0S", r["resolution"].Elapsed);
        Assert.Equal("met", r["resolution"].State);
        Assert.Equal("idle", r["nextResponse"].State);
    }

    [Fact]
    public void PriorityChange_AppliesRetroactively_KeepingAccruedPause()
    {
        // Normal: 30 min counted, 1 h paused, then High: the 1 h first response counts the 30 min already spent.
        var r = Run(Events(Created(T0, "Normal"), Status("2026-12-08T07:30:00Z", "OnHold"), Status("2026-12-08T08:30:00Z", "Open"),
            Priority("2026-12-08T08:40:00Z", "High")), "2026-12-08T08:40:00Z");
        Assert.Equal("PT1H", r["firstResponse"].Target);
        Assert.Equal("PT40M", r["firstResponse"].Elapsed);
        Assert.Equal("2026-12-08T09:00:00Z", r["firstResponse"].DueAt);
        Assert.Equal("High", r.Priority);
    }

    [Fact]
    public void PriorityChange_CountedTimeAlreadyPastNewTarget_IsDueAtTheChange()
    {
        var r = Run(Events(Created(T0, "Normal"), Priority("2026-12-08T08:00:00Z", "Critical")), "2026-12-08T08:00:00Z");
        Assert.Equal("2026-12-08T08:00:00Z", r["firstResponse"].DueAt);
        Assert.Equal("warning", r["firstResponse"].State);
        var after = Run(Events(Created(T0, "Normal"), Priority("2026-12-08T08:00:00Z", "Critical")), "2026-12-08T08:00:01Z");
        Assert.Equal("breached", after["firstResponse"].State);
        Assert.Equal("2026-12-08T08:00:00Z", after["firstResponse"].BreachedAt);
    }

    [Fact]
    public void PriorityChange_SameTargetValue_ChangesNothing()
    {
        const string targets = """{ "A": { "firstResponse": "PT1H" }, "B": { "firstResponse": "PT1H" } }""";
        var r = Run(Events(Created(T0, "A"), Priority("2026-12-08T09:00:00Z", "B")), "2026-12-08T09:00:00Z", targets: targets);
        Assert.Equal("breached", r["firstResponse"].State);
        Assert.Equal("2026-12-08T08:00:00Z", r["firstResponse"].BreachedAt);
    }

    [Fact]
    public void PriorityChange_BreachIsFinal()
    {
        var r = Run(Events(Created(T0, "Critical"), Priority("2026-12-08T08:00:00Z", "Low")), "2026-12-08T08:30:00Z");
        Assert.Equal("breached", r["firstResponse"].State);
        Assert.Equal("PT30M", r["firstResponse"].Target);
        Assert.Equal("2026-12-08T07:30:00Z", r["firstResponse"].BreachedAt);
        Assert.Equal("PT1H30M", r["firstResponse"].Elapsed);
    }

    [Fact]
    public void PriorityChange_NewlyDefinedMetric_CountsFromCreationUnderTheFloor()
    {
        var r = Run(Events(Created(T0, "None"), Priority("2026-12-08T09:00:00Z", "Critical")), "2026-12-08T09:00:00Z");
        Assert.Equal("PT2H", r["resolution"].Elapsed);
        Assert.Equal("2026-12-08T11:00:00Z", r["resolution"].DueAt);
        Assert.Equal("2026-12-08T09:00:00Z", r["firstResponse"].DueAt);
    }

    [Fact]
    public void PriorityChange_MetricStoppedBeforeItHadATarget_IsMetWithCurrentTargetAndNoDue()
    {
        var r = Run(Events(Created(T0, "None"), Reply("2026-12-08T09:00:00Z", "agent"), Priority("2026-12-08T10:00:00Z", "Critical")),
            "2026-12-08T10:00:00Z");
        Assert.Equal("met", r["firstResponse"].State);
        Assert.Equal("PT30M", r["firstResponse"].Target);
        Assert.Null(r["firstResponse"].DueAt);
        Assert.Equal("PT2H", r["firstResponse"].Elapsed);
    }

    [Fact]
    public void PriorityChange_MetricNotDefinedByNewPriority_IsNotReported()
    {
        var r = Run(Events(Created(T0, "High"), Reply("2026-12-08T07:10:00Z", "agent"), Reply("2026-12-08T07:20:00Z", "requester"),
            Priority("2026-12-08T07:30:00Z", "Normal")), "2026-12-08T08:00:00Z");
        Assert.False(r.Targets.ContainsKey("nextResponse"));
        Assert.True(r.Targets.ContainsKey("firstResponse"));
        Assert.Empty(Run(Events(Created(T0, "None")), T0).Targets);
    }

    [Fact]
    public void Warning_ReportsTheHighestThresholdReached()
    {
        Assert.Null(Run(Created(T0), "2026-12-08T07:44:59Z")["firstResponse"].Warning);
        var w75 = Run(Created(T0), "2026-12-08T07:45:00Z")["firstResponse"];
        Assert.Equal("warning", w75.State);
        Assert.Equal("0.75", w75.Warning);
        Assert.Equal("0.9", Run(Created(T0), "2026-12-08T07:54:00Z")["firstResponse"].Warning);
        var paused = Run(Events(Created(T0), Status("2026-12-08T07:50:00Z", "OnHold")), "2026-12-08T09:00:00Z")["firstResponse"];
        Assert.Equal("paused", paused.State);
        Assert.Equal("0.75", paused.Warning);
    }

    [Fact]
    public void Breach_AtTheDueInstantItselfIsNotYetABreach()
    {
        Assert.Equal("warning", Run(Created(T0), "2026-12-08T08:00:00Z")["firstResponse"].State);
        var breached = Run(Created(T0), "2026-12-08T08:00:01Z")["firstResponse"];
        Assert.Equal("breached", breached.State);
        Assert.Equal("2026-12-08T08:00:00Z", breached.BreachedAt);
        Assert.Equal("2026-12-08T08:00:00Z", breached.DueAt);
        Assert.Equal("PT1H1S", breached.Elapsed);
        Assert.Equal("PT0S", breached.Remaining);
        Assert.Equal("0.9", breached.Warning);
    }

    [Fact]
    public void Breach_StaysBreachedWhilePaused_AndStoppingMakesItMissed()
    {
        var r = Run(Events(Created(T0), Status("2026-12-08T09:00:00Z", "OnHold")), "2026-12-08T10:00:00Z");
        Assert.Equal("breached", r["firstResponse"].State);
        Assert.Equal("PT2H", r["firstResponse"].Elapsed);
        var missed = Run(Events(Created(T0), Reply("2026-12-08T09:00:00Z", "agent")), "2026-12-08T10:00:00Z");
        Assert.Equal("missed", missed["firstResponse"].State);
        Assert.Equal("2026-12-08T08:00:00Z", missed["firstResponse"].BreachedAt);
    }

    [Fact]
    public void Stop_AtTheDueInstant_IsMet()
    {
        var r = Run(Events(Created(T0), Reply("2026-12-08T08:00:00Z", "agent")), "2026-12-08T09:00:00Z");
        Assert.Equal("met", r["firstResponse"].State);
        Assert.Equal("PT0S", r["firstResponse"].Remaining);
    }

    [Fact]
    public void Stop_WhilePaused_HasNoDueInstant()
    {
        var r = Run(Events(Created(T0), Status("2026-12-08T07:30:00Z", "OnHold"), Status("2026-12-08T08:00:00Z", "Resolved")),
            "2026-12-08T09:00:00Z");
        Assert.Equal("met", r["resolution"].State);
        Assert.Null(r["resolution"].DueAt);
    }

    [Fact]
    public void Durations_AreCanonical_HoursNeverFoldedIntoDays()
    {
        var r = Run(Created(T0, "X"), "2026-12-09T07:00:01Z", calendar: null, targets: """{ "X": { "resolution": "PT26H" } }""");
        Assert.Equal("PT26H", r["resolution"].Target);
        Assert.Equal("PT24H1S", r["resolution"].Elapsed);
        Assert.Equal("PT1H59M59S", r["resolution"].Remaining);
    }
}

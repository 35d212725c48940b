using Portal.Core.Sla;
using static Portal.Tests.Core.Sla.Sim;

namespace Portal.Tests.Core.Sla;

/// <summary>Bad scenarios are refused with the field and the value named; nothing is guessed.</summary>
public class BadInputTests
{
    private static string Scenario(string? calendar = null, string targets = """{ "High": { "firstResponse": "PT1H" } }""",
        string? pauseOn = null, string? warnAt = null, string? events = null, string at = "\"2026-12-08T08:00:00Z\"")
    {
        var parts = new List<string>();
        if (calendar is not null)
            parts.Add($"\"calendar\": {calendar}");
        parts.Add($"\"targets\": {targets}");
        if (pauseOn is not null)
            parts.Add($"\"pauseOn\": {pauseOn}");
        if (warnAt is not null)
            parts.Add($"\"warnAt\": {warnAt}");
        parts.Add($"\"events\": [{events ?? Created("2026-12-08T07:00:00Z")}]");
        if (at.Length > 0)
            parts.Add($"\"at\": {at}");
        return "{" + string.Join(",", parts) + "}";
    }

    [Theory]
    [InlineData("""{ "timeZone": "Europe/Berln" }""", "calendar.timeZone", "Europe/Berln")]
    [InlineData("""{ "week": { "Mon": ["08:00-12:00"] } }""", "calendar.timeZone", "is required")]
    [InlineData("""{ "timeZone": "UTC", "week": { "Monday": ["08:00-12:00"] } }""", "calendar.week.Monday", "unknown weekday")]
    [InlineData("""{ "timeZone": "UTC", "week": { "Mon": ["12:00-08:00"] } }""", "calendar.week.Mon[0]", "ends before or where it starts")]
    [InlineData("""{ "timeZone": "UTC", "week": { "Mon": ["08:00-08:00"] } }""", "calendar.week.Mon[0]", "ends before or where it starts")]
    [InlineData("""{ "timeZone": "UTC", "week": { "Mon": ["08:00-12:00", "11:00-13:00"] } }""", "calendar.week.Mon[1]", "overlaps")]
    [InlineData("""{ "timeZone": "UTC", "week": { "Mon": ["24:00-24:00"] } }""", "calendar.week.Mon[0]", "starts at 24:00")]
    [InlineData("""{ "timeZone": "UTC", "week": { "Mon": ["8-12"] } }""", "calendar.week.Mon[0]", "\"8-12\"")]
    [InlineData("""{ "timeZone": "UTC", "week": { "Mon": [] } }""", "calendar.week", "no working segment")]
    [InlineData("""{ "timeZone": "UTC", "holidays": ["2026-02-30"] }""", "calendar.holidays[0]", "\"2026-02-30\"")]
    public void Calendar_Refused(string calendar, string field, string message)
    {
        var ex = Refused(Scenario(calendar: calendar));
        Assert.Equal(field, ex.Field);
        Assert.Contains(message, ex.Problem);
    }

    [Theory]
    [InlineData("""{ "High": { "firstResponse": "P1D" } }""", "targets.High.firstResponse", "day, week, month or year unit")]
    [InlineData("""{ "High": { "firstResponse": "P1M" } }""", "targets.High.firstResponse", "day, week, month or year unit")]
    [InlineData("""{ "High": { "firstResponse": "PT0S" } }""", "targets.High.firstResponse", "zero target")]
    [InlineData("""{ "High": { "firstResponse": "1 hour" } }""", "targets.High.firstResponse", "\"1 hour\" is not a duration")]
    [InlineData("""{ "High": { "firstReply": "PT1H" } }""", "targets.High.firstReply", "unknown metric")]
    [InlineData("""{ "High": { "firstResponse": "PT100000000H" } }""", "targets.High.firstResponse", "longer than the longest target, 43800 hours")]
    [InlineData("""{ "High": { "firstResponse": "PT43801H" } }""", "targets.High.firstResponse", "longest target")]
    public void Targets_Refused(string targets, string field, string message)
    {
        var ex = Refused(Scenario(targets: targets));
        Assert.Equal(field, ex.Field);
        Assert.Contains(message, ex.Problem);
    }

    [Theory]
    [InlineData("""["Waiting"]""", "pauseOn[0]", "unknown status \"Waiting\"")]
    [InlineData("""{ "response": ["OnHold"] }""", "pauseOn.response", "unknown metric")]
    public void PauseOn_Refused(string pauseOn, string field, string message)
    {
        var ex = Refused(Scenario(pauseOn: pauseOn));
        Assert.Equal(field, ex.Field);
        Assert.Contains(message, ex.Problem);
    }

    [Theory]
    [InlineData("[0]", "warnAt[0]")]
    [InlineData("[1.5]", "warnAt[0]")]
    [InlineData("""["half"]""", "warnAt[0]")]
    public void WarnAt_OutsideZeroToOne_Refused(string warnAt, string field) =>
        Assert.Equal(field, Refused(Scenario(warnAt: warnAt)).Field);

    [Theory]
    [InlineData("\"9999-12-31T23:59:59Z\"")]
    [InlineData("\"0001-01-01T00:00:00Z\"")]
    [InlineData("\"2200-01-01T00:00:00Z\"")]
    public void At_NearTheEndsOfTime_IsRefusedNamingTheField(string at)
    {
        var ex = Refused(Scenario(at: at));
        Assert.Equal("at", ex.Field);
        Assert.Contains("outside the years 1900 to 2199", ex.Problem);
    }

    [Fact]
    public void ALongestTarget_StillComputes() =>
        Assert.Contains("\"target\"", SlaSimulator.Run(Scenario(targets: """{ "High": { "firstResponse": "PT43800H" } }""")));

    [Fact]
    public void Events_UnknownType_Refused()
    {
        var ex = Refused(Scenario(events: Events(Created("2026-12-08T07:00:00Z"), """{ "at": "2026-12-08T07:10:00Z", "type": "comment" }""")));
        Assert.Equal("events[1].type", ex.Field);
        Assert.Contains("unknown event type \"comment\"", ex.Problem);
    }

    [Fact]
    public void Events_UnknownPriority_Refused()
    {
        var ex = Refused(Scenario(events: Events(Created("2026-12-08T07:00:00Z"), Priority("2026-12-08T07:10:00Z", "Urgent"))));
        Assert.Equal("events[1].priority", ex.Field);
        Assert.Contains("\"Urgent\" is not a priority listed in targets", ex.Problem);
    }

    [Fact]
    public void Events_UnknownStatus_Refused() =>
        Assert.Equal("events[1].status", Refused(Scenario(events: Events(Created("2026-12-08T07:00:00Z"), Status("2026-12-08T07:10:00Z", "Done")))).Field);

    [Fact]
    public void Events_OutOfOrder_Refused()
    {
        var ex = Refused(Scenario(events: Events(Created("2026-12-08T07:00:00Z"), Status("2026-12-08T06:00:00Z", "Open"))));
        Assert.Equal("events[1].at", ex.Field);
        Assert.Contains("must be in order", ex.Problem);
    }

    [Fact]
    public void Events_NoCreated_Refused() =>
        Assert.Equal("events[0].type", Refused(Scenario(events: Status("2026-12-08T07:00:00Z", "Open"))).Field);

    [Fact]
    public void Events_Empty_Refused() => Assert.Equal("events", Refused(Scenario(events: " ")).Field);

    [Fact]
    public void Events_SecondCreated_Refused() =>
        Assert.Equal("events[1].type", Refused(Scenario(events: Events(Created("2026-12-08T07:00:00Z"), Created("2026-12-08T07:05:00Z")))).Field);

    [Fact]
    public void Events_ReplyWithoutPublic_Refused()
    {
        var ex = Refused(Scenario(events: Events(Created("2026-12-08T07:00:00Z"), """{ "at": "2026-12-08T07:10:00Z", "type": "reply", "by": "agent" }""")));
        Assert.Equal("events[1].public", ex.Field);
        Assert.Equal("is required", ex.Problem);
    }

    [Fact]
    public void Events_BadInstant_Refused()
    {
        var ex = Refused(Scenario(events: Created("2026-12-08 07:00")));
        Assert.Equal("events[0].at", ex.Field);
        Assert.Contains("\"2026-12-08 07:00\"", ex.Problem);
    }

    [Fact]
    public void At_BeforeLastEvent_Refused() => Assert.Equal("at", Refused(Scenario(at: "\"2026-12-08T06:00:00Z\"")).Field);

    [Fact]
    public void At_Missing_Refused() => Assert.Equal("at", Refused(Scenario(at: "")).Field);

    [Fact]
    public void Targets_Missing_Refused() =>
        Assert.Equal("targets", Refused("""{ "events": [], "at": "2026-12-08T06:00:00Z" }""").Field);

    [Fact]
    public void UnknownField_Refused() =>
        Assert.Equal("pauseOnn", Refused("""{ "targets": {}, "pauseOnn": [], "events": [], "at": "2026-12-08T06:00:00Z" }""").Field);

    [Fact]
    public void NotJson_Refused() => Assert.Equal("(document)", Refused("{ not json").Field);
}

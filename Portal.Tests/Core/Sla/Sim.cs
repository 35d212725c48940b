using System.Text.Json;
using Portal.Core.Sla;

namespace Portal.Tests.Core.Sla;

/// <summary>Runs scenarios in the contract's format and reads the result back, so tests read like the spec.</summary>
public static class Sim
{
    public const string Berlin = """
        { "timeZone": "Europe/Berlin",
          "week": { "Mon": ["08:00-12:00", "13:00-17:00"], "Tue": ["08:00-17:00"], "Wed": ["08:00-17:00"], "Thu": ["08:00-17:00"], "Fri": ["08:00-15:00"] },
          "holidays": ["2026-12-24", "12-25", "12-26"] }
        """;

    public const string Targets = """
        { "Critical": { "firstResponse": "PT30M", "resolution": "PT4H" },
          "High":     { "firstResponse": "PT1H",  "nextResponse": "PT2H", "resolution": "PT8H" },
          "Normal":   { "firstResponse": "PT4H",  "resolution": "PT24H" },
          "Low":      { "firstResponse": "PT8H",  "resolution": "PT40H" },
          "None":     {} }
        """;

    public sealed record Metric(string State, string Target, string Elapsed, string Remaining, string? DueAt, string? StoppedAt,
        string? BreachedAt, string? Warning);

    public sealed record Result(string Priority, string Status, IReadOnlyDictionary<string, Metric> Targets)
    {
        public Metric this[string metric] => Targets[metric];
    }

    /// <summary>Builds and runs a scenario. Events are the JSON objects of the events list, comma-separated.</summary>
    public static Result Run(string events, string at, string? calendar = Berlin, string targets = Targets,
        string? pauseOn = """["PendingRequester", "OnHold"]""", string? warnAt = "[0.75, 0.9]")
    {
        var parts = new List<string>();
        if (calendar is not null)
            parts.Add($"\"calendar\": {calendar}");
        parts.Add($"\"targets\": {targets}");
        if (pauseOn is not null)
            parts.Add($"\"pauseOn\": {pauseOn}");
        if (warnAt is not null)
            parts.Add($"\"warnAt\": {warnAt}");
        parts.Add($"\"events\": [{events}]");
        parts.Add($"\"at\": \"{at}\"");
        return Read(SlaSimulator.Run("{" + string.Join(",", parts) + "}"));
    }

    public static Result Read(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var targets = new Dictionary<string, Metric>();
        foreach (var t in root.GetProperty("targets").EnumerateObject())
        {
            string? S(string name) => t.Value.GetProperty(name).ValueKind == JsonValueKind.Null ? null
                : t.Value.GetProperty(name).ValueKind == JsonValueKind.Number ? t.Value.GetProperty(name).GetRawText()
                : t.Value.GetProperty(name).GetString();
            targets[t.Name] = new Metric(S("state")!, S("target")!, S("elapsed")!, S("remaining")!, S("dueAt"), S("stoppedAt"),
                S("breachedAt"), S("warning"));
        }

        return new Result(root.GetProperty("priority").GetString()!, root.GetProperty("status").GetString()!, targets);
    }

    public static string Created(string at, string priority = "High", string status = "New") =>
        $$"""{ "at": "{{at}}", "type": "created", "priority": "{{priority}}", "status": "{{status}}" }""";

    public static string Status(string at, string status) => $$"""{ "at": "{{at}}", "type": "status", "status": "{{status}}" }""";

    public static string Priority(string at, string priority) => $$"""{ "at": "{{at}}", "type": "priority", "priority": "{{priority}}" }""";

    public static string Reply(string at, string by, bool isPublic = true) =>
        $$"""{ "at": "{{at}}", "type": "reply", "by": "{{by}}", "public": {{(isPublic ? "true" : "false")}} }""";

    public static string Events(params string[] events) => string.Join(",", events);

    public static SlaInputException Refused(string scenario) => Assert.Throws<SlaInputException>(() => SlaSimulator.Run(scenario));
}

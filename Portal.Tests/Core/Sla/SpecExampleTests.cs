using System.Text.Json;
using Portal.Core.Sla;

namespace Portal.Tests.Core.Sla;

public class SpecExampleTests
{
    public const string Example = """
        {
          "calendar": {
            "timeZone": "Europe/Berlin",
            "week": { "Mon": ["08:00-12:00", "13:00-17:00"], "Tue": ["08:00-17:00"], "Wed": ["08:00-17:00"],
                      "Thu": ["08:00-17:00"], "Fri": ["08:00-15:00"] },
            "holidays": ["2026-12-24", "12-25", "12-26"]
          },
          "targets": {
            "Critical": { "firstResponse": "PT30M", "resolution": "PT4H" },
            "High":     { "firstResponse": "PT1H",  "nextResponse": "PT2H", "resolution": "PT8H" },
            "Normal":   { "firstResponse": "PT4H",  "resolution": "PT24H" },
            "Low":      { "firstResponse": "PT8H",  "resolution": "PT40H" }
          },
          "pauseOn": ["PendingRequester", "OnHold"],
          "warnAt": [0.75, 0.9],
          "events": [
            { "at": "2026-12-23T16:30:00Z", "type": "created", "priority": "High", "status": "New" },
            { "at": "2026-12-23T16:45:00Z", "type": "reply", "by": "agent", "public": true },
            { "at": "2026-12-23T16:50:00Z", "type": "status", "status": "PendingRequester" },
            { "at": "2026-12-28T09:00:00Z", "type": "reply", "by": "requester", "public": true },
            { "at": "2026-12-28T09:00:00Z", "type": "status", "status": "Open" },
            { "at": "2026-12-28T10:00:00Z", "type": "priority", "priority": "Critical" },
            { "at": "2026-12-28T12:00:00Z", "type": "status", "status": "Resolved" }
          ],
          "at": "2026-12-28T13:00:00Z"
        }
        """;

    public const string ExpectedResult = """
        {
          "priority": "Critical",
          "status": "Resolved",
          "targets": {
            "firstResponse": { "state": "met", "target": "PT1H", "elapsed": "PT0S", "remaining": "PT1H",
                               "dueAt": "2026-12-28T08:00:00Z", "stoppedAt": "2026-12-23T16:45:00Z",
                               "breachedAt": null, "warning": null },
            "resolution":    { "state": "met", "target": "PT4H", "elapsed": "PT2H", "remaining": "PT2H",
                               "dueAt": "2026-12-28T14:00:00Z", "stoppedAt": "2026-12-28T12:00:00Z",
                               "breachedAt": null, "warning": null }
          }
        }
        """;

    [Fact]
    public void Simulate_SpecExample_GivesTheSpecResult()
    {
        var actual = SlaSimulator.Run(Example);
        Assert.True(JsonElement.DeepEquals(JsonDocument.Parse(ExpectedResult).RootElement, JsonDocument.Parse(actual).RootElement), actual);
    }

    [Fact]
    public void Simulate_Output_IsIndentedWithKeysInContractOrder()
    {
        var actual = SlaSimulator.Run(Example);
        Assert.StartsWith("{\n  \"priority\": \"Critical\",\n  \"status\": \"Resolved\",\n  \"targets\": {\n    \"firstResponse\": {\n      \"state\": \"met\",", actual);
        Assert.EndsWith("}\n", actual);
    }
}

using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Portal.Core.Sla;

/// <summary>One scenario of the SLA contract's input format, read and checked.</summary>
public sealed record SlaScenario(BusinessCalendar Calendar, SlaPolicy Policy, SlaEvent[] Events, long At)
{
    /// <summary>Reads a scenario; refuses bad input with an <see cref="SlaInputException"/> naming the field and value.</summary>
    public static SlaScenario Parse(string json)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
        }
        catch (JsonException ex)
        {
            throw new SlaInputException("(document)", $"is not valid JSON: {ex.Message}");
        }

        using (doc)
        {
            var root = doc.RootElement;
            SlaJson.RequireObject(root, "(document)");
            SlaJson.RefuseUnknown(root, "", "calendar", "targets", "pauseOn", "warnAt", "events", "at");
            var calendar = SlaJson.ParseCalendar(root.TryGetProperty("calendar", out var c) ? c : null);
            var (priorities, targets) = SlaJson.ParseTargets(SlaJson.Required(root, "targets", "targets"));
            var pauseOn = SlaJson.ParsePauseOn(root.TryGetProperty("pauseOn", out var p) ? p : null);
            var warnAt = SlaJson.ParseWarnAt(root.TryGetProperty("warnAt", out var w) ? w : null);
            var policy = new SlaPolicy(priorities, targets, pauseOn, warnAt);
            var events = ParseEvents(SlaJson.Required(root, "events", "events"), policy);
            var at = SlaJson.ParseInstant(SlaJson.Required(root, "at", "at"), "at");
            if (at < events[^1].At)
                throw new SlaInputException("at", $"\"{SlaJson.FormatInstant(at)}\" is before the last event ({SlaJson.FormatInstant(events[^1].At)})");
            return new SlaScenario(calendar, policy, events, at);
        }
    }

    private static SlaEvent[] ParseEvents(JsonElement list, SlaPolicy policy)
    {
        SlaJson.RequireArray(list, "events");
        var events = new List<SlaEvent>();
        var i = 0;
        foreach (var e in list.EnumerateArray())
        {
            var f = $"events[{i}]";
            SlaJson.RequireObject(e, f);
            SlaJson.RefuseUnknown(e, f, "at", "type", "priority", "status", "by", "public");
            var at = SlaJson.ParseInstant(SlaJson.Required(e, "at", $"{f}.at"), $"{f}.at");
            var type = SlaJson.RequireString(SlaJson.Required(e, "type", $"{f}.type"), $"{f}.type");
            if (events.Count > 0 && at < events[^1].At)
                throw new SlaInputException($"{f}.at", $"\"{SlaJson.FormatInstant(at)}\" is before the event before it ({SlaJson.FormatInstant(events[^1].At)}); events must be in order");
            if (i == 0 && type != "created")
                throw new SlaInputException($"{f}.type", $"\"{type}\": the first event must be \"created\"");
            SlaEvent ev = type switch
            {
                "created" when i > 0 => throw new SlaInputException($"{f}.type", "\"created\" may appear only once, as the first event"),
                "created" => SlaEvent.Created(at, Priority(e, f, policy),
                    e.TryGetProperty("status", out var s) && s.ValueKind != JsonValueKind.Null ? SlaJson.ParseStatus(s, $"{f}.status") : Tickets.TicketStatus.New),
                "status" => SlaEvent.StatusTo(at, SlaJson.ParseStatus(SlaJson.Required(e, "status", $"{f}.status"), $"{f}.status")),
                "priority" => SlaEvent.PriorityTo(at, Priority(e, f, policy)),
                "reply" => SlaEvent.Reply(at, Author(e, f), Public(e, f)),
                _ => throw new SlaInputException($"{f}.type", $"unknown event type \"{type}\" (expected created, status, priority or reply)"),
            };
            events.Add(ev);
            i++;
        }

        if (events.Count == 0)
            throw new SlaInputException("events", "has no \"created\" event");
        return events.ToArray();
    }

    private static int Priority(JsonElement e, string f, SlaPolicy policy)
    {
        var name = SlaJson.RequireString(SlaJson.Required(e, "priority", $"{f}.priority"), $"{f}.priority");
        var index = policy.PriorityIndex(name);
        if (index < 0)
            throw new SlaInputException($"{f}.priority", $"\"{name}\" is not a priority listed in targets ({string.Join(", ", policy.Priorities)})");
        return index;
    }

    private static ReplyAuthor Author(JsonElement e, string f)
    {
        var by = SlaJson.RequireString(SlaJson.Required(e, "by", $"{f}.by"), $"{f}.by");
        return by switch
        {
            "agent" => ReplyAuthor.Agent,
            "requester" => ReplyAuthor.Requester,
            "system" => ReplyAuthor.System,
            _ => throw new SlaInputException($"{f}.by", $"\"{by}\" is not agent, requester or system"),
        };
    }

    private static bool Public(JsonElement e, string f)
    {
        var value = SlaJson.Required(e, "public", $"{f}.public");
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new SlaInputException($"{f}.public", $"{SlaJson.Describe(value)} is not true or false"),
        };
    }

    public SlaOutcome Evaluate() => SlaEngine.Evaluate(Events, Policy, new WorkingTimeline(Calendar), At);
}

/// <summary>Writes an outcome in the SLA contract's result format; the simulator's CLI and API share it byte for byte.</summary>
public static class SlaResultWriter
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, NewLine = "\n",
    };

    public static string Write(SlaOutcome outcome, SlaPolicy policy)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, Options))
        {
            w.WriteStartObject();
            w.WriteString("priority", policy.Priorities[outcome.Priority]);
            w.WriteString("status", outcome.Status.ToString());
            w.WriteStartObject("targets");
            foreach (var metric in SlaMetrics.All)
            {
                var m = outcome[metric];
                if (!m.Reported)
                    continue;
                w.WriteStartObject(SlaMetrics.Name(metric));
                w.WriteString("state", StateName(m.State));
                w.WriteString("target", IsoDuration.Format(m.Target));
                w.WriteString("elapsed", IsoDuration.Format(m.Elapsed));
                w.WriteString("remaining", IsoDuration.Format(m.Remaining));
                WriteInstant(w, "dueAt", m.DueAt);
                WriteInstant(w, "stoppedAt", m.StoppedAt);
                WriteInstant(w, "breachedAt", m.BreachedAt);
                w.WritePropertyName("warning");
                if (m.WarningIndex >= 0)
                    w.WriteRawValue(policy.WarnAt[m.WarningIndex].Text);
                else
                    w.WriteNullValue();
                w.WriteEndObject();
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static void WriteInstant(Utf8JsonWriter w, string name, long ticks)
    {
        if (ticks == SlaPolicy.None)
            w.WriteNull(name);
        else
            w.WriteString(name, SlaJson.FormatInstant(ticks));
    }

    public static string StateName(SlaState state) => state switch
    {
        SlaState.Running => "running",
        SlaState.Warning => "warning",
        SlaState.Paused => "paused",
        SlaState.Breached => "breached",
        SlaState.Met => "met",
        SlaState.Missed => "missed",
        _ => "idle",
    };
}

public static class SlaSimulator
{
    /// <summary>Reads a scenario and returns the result document, or throws <see cref="SlaInputException"/>.</summary>
    public static string Run(string json)
    {
        var scenario = SlaScenario.Parse(json);
        return SlaResultWriter.Write(scenario.Evaluate(), scenario.Policy);
    }
}

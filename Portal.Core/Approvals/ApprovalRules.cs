using System.Globalization;
using System.Text.Json;
using Portal.Core.Tickets;

namespace Portal.Core.Approvals;

/// <summary>
/// When a step applies. Every part given must hold: the priority is one of <see cref="Priorities"/>; each field in
/// <see cref="Fields"/> has one of its values; the number field <see cref="AmountFieldId"/> holds more than
/// <see cref="AmountAbove"/>; the requester carries one of <see cref="RequesterTags"/>. An empty condition always holds.
/// </summary>
public sealed record ApprovalCondition
{
    public List<TicketPriority> Priorities { get; init; } = [];
    public Dictionary<int, List<string>> Fields { get; init; } = [];
    public int? AmountFieldId { get; init; }
    public decimal? AmountAbove { get; init; }
    public List<string> RequesterTags { get; init; } = [];

    public bool IsEmpty => Priorities.Count == 0 && Fields.Count == 0 && AmountFieldId is null && RequesterTags.Count == 0;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static ApprovalCondition Parse(string? json) =>
        string.IsNullOrWhiteSpace(json) ? new() : JsonSerializer.Deserialize<ApprovalCondition>(json, Json) ?? new();

    public string ToJson() => IsEmpty ? "" : JsonSerializer.Serialize(this, Json);
}

/// <summary>The rules of approvals that need no database: whether a step applies, and what its decisions add up to.</summary>
public static class ApprovalRules
{
    /// <summary>Whether the condition holds for a request with this priority, these field values and a requester with these tags.</summary>
    public static bool Applies(ApprovalCondition c, TicketPriority priority, IReadOnlyDictionary<int, string> fields, string requesterTags)
    {
        if (c.Priorities.Count > 0 && !c.Priorities.Contains(priority))
            return false;
        foreach (var (fieldId, values) in c.Fields)
            if (!fields.TryGetValue(fieldId, out var v) || !values.Contains(v.Trim(), StringComparer.OrdinalIgnoreCase))
                return false;
        if (c.AmountFieldId is { } amountField)
        {
            // A number field left empty (or not a number) is no amount above anything.
            if (!fields.TryGetValue(amountField, out var text)
                || !decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var amount)
                || amount <= (c.AmountAbove ?? 0))
                return false;
        }

        if (c.RequesterTags.Count > 0)
        {
            var tags = requesterTags.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (!c.RequesterTags.Any(t => tags.Contains(t, StringComparer.OrdinalIgnoreCase)))
                return false;
        }

        return true;
    }

    /// <summary>How many yeses a step needs from <paramref name="eligible"/> approvers.</summary>
    public static int Needed(ApprovalQuorum quorum, int count, int eligible) => quorum switch
    {
        ApprovalQuorum.One => 1,
        ApprovalQuorum.All => Math.Max(1, eligible),
        _ => Math.Max(1, count),
    };

    /// <summary>
    /// What a step's decisions add up to: approved once enough said yes; rejected once enough can no longer say yes
    /// (for "one of them" the first decision settles it, yes or no; for "all of them" one no is enough); otherwise pending.
    /// Only the decisions of approvers still eligible count.
    /// </summary>
    public static ApprovalState Outcome(ApprovalQuorum quorum, int count, int eligible, int yes, int no)
    {
        var needed = Needed(quorum, count, eligible);
        if (yes >= needed)
            return ApprovalState.Approved;
        if (quorum == ApprovalQuorum.One ? no > 0 : eligible - no < needed)
            return ApprovalState.Rejected;
        return ApprovalState.Pending;
    }
}

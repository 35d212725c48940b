namespace Portal.Core.Sla;

/// <summary>A scenario, calendar or policy that cannot be used; the message names the field and the value.</summary>
public sealed class SlaInputException(string field, string problem) : Exception($"{field}: {problem}")
{
    public string Field { get; } = field;
    public string Problem { get; } = problem;
}

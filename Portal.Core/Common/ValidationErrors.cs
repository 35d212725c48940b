namespace Portal.Core.Common;

/// <summary>Collects field errors and throws them together, so a form can show every problem at once.</summary>
public sealed class ValidationErrors
{
    private readonly Dictionary<string, string> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public void Add(string field, string message) => _errors.TryAdd(field, message);

    public void Required(string field, string? value, string label)
    {
        if (string.IsNullOrWhiteSpace(value))
            Add(field, $"{label} is required.");
    }

    public void MaxLength(string field, string? value, int max, string label)
    {
        if (value is not null && value.Length > max)
            Add(field, $"{label} must be at most {max} characters (it has {value.Length}).");
    }

    public void ThrowIfAny()
    {
        if (_errors.Count > 0)
            throw new DeskValidationException(new Dictionary<string, string>(_errors));
    }
}

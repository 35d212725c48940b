namespace Portal.Core.Common;

/// <summary>Input was refused; each entry names the field and what is wrong with it.</summary>
public sealed class DeskValidationException(IReadOnlyDictionary<string, string> errors)
    : Exception(string.Join("; ", errors.Select(e => $"{e.Key}: {e.Value}")))
{
    public IReadOnlyDictionary<string, string> Errors { get; } = errors;

    public DeskValidationException(string field, string message)
        : this(new Dictionary<string, string> { [field] = message })
    {
    }
}

/// <summary>The actor may not do this (or may not even know the thing exists).</summary>
public sealed class DeskForbiddenException(string message) : Exception(message);

/// <summary>The thing does not exist, or the actor may not see it.</summary>
public sealed class DeskNotFoundException(string message) : Exception(message);

/// <summary>Someone else changed the record since the actor read it.</summary>
public sealed class DeskConflictException(string message) : Exception(message);

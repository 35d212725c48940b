namespace Portal.Core.Departments;

public sealed record DepartmentOption(int Id, string Code, string Name, string Description);

public sealed record CategoryOption(int Id, string Name, string Description);

public sealed record FieldDefinition(int Id, string Label, FieldKind Kind, bool Required, bool VisibleToRequester,
    IReadOnlyList<string> Options, int SortOrder);

public sealed record NamedOption(int Id, string Name);

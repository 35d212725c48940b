namespace Portal.Core.Common;

/// <summary>One page of a longer list.</summary>
public sealed record PagedResult<T>(IReadOnlyList<T> Items, int Total, int Page, int PageSize)
{
    public int PageCount => PageSize <= 0 ? 0 : (Total + PageSize - 1) / PageSize;
}

/// <summary>A person named by id, as pickers and lists show them.</summary>
public sealed record PersonRef(string Id, string Name);

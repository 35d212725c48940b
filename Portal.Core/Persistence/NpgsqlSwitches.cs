namespace Portal.Core.Persistence;

public static class NpgsqlSwitches
{
    /// <summary>
    /// Npgsql reads its timestamp switch once, the first time any of its types is used, so this is called before the
    /// desk touches Npgsql at all (the connection string is read first): instants are UTC by contract and kept as <c>timestamp without time zone</c> (docs/decisions/0017-postgresql.md).
    /// Nothing changes for SQLite.
    /// </summary>
    public static void Set() => AppContext.SetSwitch("Npgsql.EnableLegacyTimestampBehavior", true);
}

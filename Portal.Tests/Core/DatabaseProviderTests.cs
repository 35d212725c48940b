using Microsoft.Extensions.Configuration;
using Portal.Core.Persistence;

namespace Portal.Tests.Core;

public class DatabaseProviderTests
{
    private static IConfiguration Config(string? provider) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [DatabaseProviders.Key] = provider }).Build();

    [Theory]
    [InlineData(null, DatabaseProvider.Sqlite)]
    [InlineData("", DatabaseProvider.Sqlite)]
    [InlineData("sqlite", DatabaseProvider.Sqlite)]
    [InlineData("Postgres", DatabaseProvider.Postgres)]
    [InlineData(" postgresql ", DatabaseProvider.Postgres)]
    [InlineData("Npgsql", DatabaseProvider.Postgres)]
    public void TheProvider_IsReadFromItsSetting(string? setting, DatabaseProvider expected) =>
        Assert.Equal(expected, DatabaseProvider.Of(Config(setting)));

    [Theory]
    [InlineData("MySql")]
    [InlineData("2")]
    public void AnUnknownProvider_IsRefused_NamingTheSettingAndTheChoices(string setting)
    {
        var error = Assert.Throws<InvalidOperationException>(() => DatabaseProvider.Of(Config(setting)));
        Assert.Contains("Database:Provider", error.Message);
        Assert.Contains("Sqlite", error.Message);
        Assert.Contains("Postgres", error.Message);
    }

    [Fact]
    public void PostgreSQL_WithoutAConnectionString_SaysWhatToSet()
    {
        var error = Assert.Throws<InvalidOperationException>(() => PortalCoreServices.PostgresConnectionString(null));
        Assert.Contains("ConnectionStrings:Desk", error.Message);
    }

    [Fact]
    public void PostgreSQL_PreparesItsFrequentStatements_UnlessTheConnectionStringSaysOtherwise()
    {
        Assert.Contains("Max Auto Prepare=64", PortalCoreServices.PostgresConnectionString("Host=db1;Database=desk"));
        Assert.Contains("Max Auto Prepare=0", PortalCoreServices.PostgresConnectionString("Host=db1;Database=desk;Max Auto Prepare=0"));
        Assert.Contains("Max Auto Prepare=8", PortalCoreServices.PostgresConnectionString("Host=db1;Database=desk;MaxAutoPrepare=8"));
    }
}

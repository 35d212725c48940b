using System.Net;
using Portal.Tests.Support;

namespace Portal.Tests.Integration;

/// <summary>Exports asked for absurd days answer 400 naming the field, before any download starts (never a 500 or a cut file).</summary>
public class ExportBoundsTests(PortalWebFixture fx) : IClassFixture<PortalWebFixture>
{
    [Theory]
    [InlineData("/admin/audit/export.csv?to=9999-12-31", "to")]
    [InlineData("/admin/audit/export.json?from=0001-01-01", "from")]
    [InlineData("/admin/audit/export.csv?from=yesterday", "from")]
    [InlineData("/complaints/export.csv?to=9999-12-31", "to")]
    [InlineData("/reports/export.csv?measure=Created&period=Custom&from=2026-01-01&to=9999-12-31", "To")]
    [InlineData("/reports/export.xlsx?measure=Created&period=Custom&from=1066-10-14&to=2026-01-01", "From")]
    public async Task AFarOffOrBadDay_Answers400NamingTheField(string address, string field)
    {
        var response = await fx.Factory.ClientFor(fx.Org.Admin.Id).GetAsync(address);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains($"\"{field}\"", body);
        Assert.DoesNotContain("Exception", body);
    }

    [Fact]
    public async Task TheWidestAllowedDays_Export()
    {
        var response = await fx.Factory.ClientFor(fx.Org.Admin.Id).GetAsync("/admin/audit/export.csv?from=1900-01-01&to=2199-12-31");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Hash", await response.Content.ReadAsStringAsync());
    }
}

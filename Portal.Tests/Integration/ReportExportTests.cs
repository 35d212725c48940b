using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using ClosedXML.Excel;
using CsvHelper;
using Portal.Tests.Support;

namespace Portal.Tests.Integration;

/// <summary>A report's CSV and Excel files open and hold the same numbers as the report on screen, for the reader's departments only.</summary>
public partial class ReportExportTests(PortalWebFixture fx) : IClassFixture<PortalWebFixture>
{
    private const string Query = "measure=Created&by=Department&period=Last7Days";

    [GeneratedRegex("data-testid=\"report-cell\">([^<]*)<")]
    private static partial Regex Cell();

    [Fact]
    public async Task CsvAndExcel_HoldTheNumbersOnScreen()
    {
        var admin = fx.Factory.ClientFor(fx.Org.Admin.Id);
        var page = await admin.GetStringAsync($"/reports?{Query}");
        var screen = Cell().Matches(page).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).ToList();
        // The fixture filed one IT and one HR ticket: a row each and the total.
        Assert.Equal(["1", "1", "2"], screen);

        var csvResponse = await admin.GetAsync($"/reports/export.csv?{Query}");
        Assert.Equal(HttpStatusCode.OK, csvResponse.StatusCode);
        Assert.Equal("text/csv", csvResponse.Content.Headers.ContentType!.MediaType);
        using var csv = new CsvReader(new StringReader(await csvResponse.Content.ReadAsStringAsync()), CultureInfo.InvariantCulture);
        var rows = new List<string[]>();
        while (csv.Read())
            rows.Add(Enumerable.Range(0, csv.Parser.Count).Select(i => csv.GetField(i)!).ToArray());
        Assert.Equal(["Department", "Total"], rows[0]);
        Assert.Equal([fx.Org.It.Name, fx.Org.Hr.Name, "All"], rows.Skip(1).Select(r => r[0]));
        Assert.Equal(screen, rows.Skip(1).Select(r => r[1]));

        var xlsxResponse = await admin.GetAsync($"/reports/export.xlsx?{Query}");
        Assert.Equal(HttpStatusCode.OK, xlsxResponse.StatusCode);
        using var book = new XLWorkbook(await xlsxResponse.Content.ReadAsStreamAsync());
        var sheet = book.Worksheet("Report");
        Assert.Equal("Created", sheet.Cell(1, 1).GetString());
        var cells = Enumerable.Range(6, 3).Select(r => (sheet.Cell(r, 1).GetString(), sheet.Cell(r, 2).GetDouble().ToString(CultureInfo.InvariantCulture))).ToList();
        Assert.Equal(rows.Skip(1).Select(r => (r[0], r[1])), cells);
    }

    [Fact]
    public async Task Exports_CarryOnlyTheReadersDepartments_AndRequestersAreRefused()
    {
        var hr = await fx.Factory.ClientFor(fx.Org.HrAgent.Id).GetStringAsync($"/reports/export.csv?{Query}");
        Assert.DoesNotContain(fx.Org.It.Name + ",", hr);
        Assert.Contains(fx.Org.Hr.Name + ",1", hr);
        var asked = await fx.Factory.ClientFor(fx.Org.HrAgent.Id).GetAsync($"/reports/export.xlsx?{Query}&department={fx.Org.It.Id}");
        Assert.Equal(HttpStatusCode.Forbidden, asked.StatusCode);
        var requester = await fx.Factory.ClientFor(fx.Org.Requester.Id).GetAsync($"/reports/export.csv?{Query}");
        Assert.Equal(HttpStatusCode.Forbidden, requester.StatusCode);
        Assert.DoesNotContain("   at ", await requester.Content.ReadAsStringAsync());
    }
}

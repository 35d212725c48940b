using Portal.Core.Common;

namespace Portal.Tests.Core;

/// <summary>Cells a spreadsheet would run as formulas are written as text, and read back as they were.</summary>
public class SafeCsvTests
{
    [Theory]
    [InlineData("=SUM(A1:A9)")]
    [InlineData("+1")]
    [InlineData("-2")]
    [InlineData("@cmd")]
    [InlineData("\tindented")]
    [InlineData("plain text")]
    [InlineData("'already quoted")]
    [InlineData("")]
    public void EveryCell_RoundTrips_AndNoneStartsAFormula(string value)
    {
        using var text = new StringWriter();
        using (var csv = SafeCsv.Writer(text))
        {
            csv.WriteField(value);
            csv.WriteField("next");
            csv.NextRecord();
        }

        using var reader = new CsvHelper.CsvReader(new StringReader(text.ToString()), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(reader.Read());
        var cell = reader.GetField(0)!;
        Assert.False(cell.Length > 0 && "=+-@\t\r".Contains(cell[0]), $"'{cell}' would start a formula");
        Assert.Equal(value, SafeCsv.Unescape(cell));
    }
}

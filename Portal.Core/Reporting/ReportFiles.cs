using Portal.Core.Common;
using System.Globalization;
using ClosedXML.Excel;
using CsvHelper;

namespace Portal.Core.Reporting;

/// <summary>
/// A report as a file: CSV (the cells as the screen shows them) or XLSX (counts and rates as numbers, a rate formatted
/// as a percentage, durations as the screen writes them), the XLSX with the measure and period above the table.
/// </summary>
public static class ReportFiles
{
    public static string FileName(ReportResult r, string extension) =>
        $"{r.Request.Measure.ToString().ToLowerInvariant()}-{r.From:yyyyMMdd}-{r.To.AddDays(-1):yyyyMMdd}.{extension}";

    public static void WriteCsv(ReportResult r, TextWriter writer)
    {
        using var csv = SafeCsv.Writer(writer);
        foreach (var row in ReportText.Cells(r.Table, r.NameOf))
        {
            foreach (var cell in row)
                csv.WriteField(cell);
            csv.NextRecord();
        }
    }

    public static void WriteXlsx(ReportResult r, Stream stream)
    {
        var info = Reports.Info(r.Request.Measure);
        using var book = new XLWorkbook();
        var sheet = book.AddWorksheet("Report");
        sheet.Cell(1, 1).Value = info.Title;
        sheet.Cell(1, 1).Style.Font.Bold = true;
        sheet.Cell(2, 1).Value = $"{r.PeriodText} (UTC days){(info.Unit == MeasureUnit.Duration ? r.Request.Business ? ", business time" : ", calendar time" : "")}";
        sheet.Cell(3, 1).Value = info.Explanation;
        var cells = ReportText.Cells(r.Table, r.NameOf);
        const int top = 5;
        for (var c = 0; c < cells[0].Length; c++)
        {
            sheet.Cell(top, c + 1).Value = cells[0][c];
            sheet.Cell(top, c + 1).Style.Font.Bold = true;
        }

        var rows = r.Table.Rows.Where(x => !ReferenceEquals(x, r.Table.Total)).Append(r.Table.Total).ToList();
        for (var i = 0; i < rows.Count; i++)
        {
            var excelRow = top + 1 + i;
            sheet.Cell(excelRow, 1).Value = ReferenceEquals(rows[i], r.Table.Total) ? "All" : r.NameOf(rows[i].Key);
            for (var c = 0; c < rows[i].Cells.Count; c++)
            {
                var cell = sheet.Cell(excelRow, c + 2);
                var value = rows[i].Cells[c].Value;
                if (value is null)
                    cell.Value = "–";
                else if (info.Unit == MeasureUnit.Count)
                    cell.Value = value.Value;
                else if (info.Unit == MeasureUnit.Rate)
                {
                    cell.Value = value.Value;
                    cell.Style.NumberFormat.Format = "0.0 %";
                }
                else
                    cell.Value = Reports.Format(info.Unit, value);
            }
        }

        if (rows.Count > 0)
            sheet.Row(top + rows.Count).Style.Font.Bold = true;
        sheet.Column(1).Width = 28;
        book.SaveAs(stream);
    }
}

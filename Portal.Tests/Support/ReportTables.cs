using Portal.Core.Reporting;

namespace Portal.Tests.Support;

public static class ReportTables
{
    /// <summary>A table as text (each row's key, then every cell's value and tickets), for comparing two ways to the same figures.</summary>
    public static string Describe(ReportTable t) =>
        string.Join("\n", t.Rows.Select(r => r.Key + ": " + string.Join(" | ", r.Cells.Select(c => $"{c.Value:0.######}/{c.Tickets}"))))
        + "\nTotal: " + string.Join(" | ", t.Total.Cells.Select(c => $"{c.Value:0.######}/{c.Tickets}"));
}

using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;

namespace Portal.Core.Common;

/// <summary>
/// The CSV files the desk writes and reads back. A cell that a spreadsheet would run as a formula (one starting with
/// <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, a tab or a carriage return: text anybody may have typed, even an anonymous
/// visitor's sign-in email in the audit trail) is written with a leading apostrophe, as OWASP advises, so the
/// spreadsheet shows it as text. The asset importer takes that apostrophe off again, so an exported file re-imports
/// unchanged.
/// </summary>
public static class SafeCsv
{
    private static readonly char[] Triggers = ['=', '+', '-', '@', '\t', '\r'];

    /// <summary>A writer whose cells cannot start a formula.</summary>
    public static CsvWriter Writer(TextWriter writer) =>
        new(writer, new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            InjectionOptions = InjectionOptions.Escape, InjectionCharacters = Triggers, InjectionEscapeCharacter = '\'',
        }, leaveOpen: true);

    /// <summary>A cell as it was before <see cref="Writer"/> made it safe (any other cell unchanged).</summary>
    public static string? Unescape(string? cell) =>
        cell is { Length: > 1 } && cell[0] == '\'' && Array.IndexOf(Triggers, cell[1]) >= 0 ? cell[1..] : cell;
}

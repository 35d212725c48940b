namespace Portal.Core.Common;

/// <summary>
/// Text that could disguise itself: direction controls (U+202E turns "exe.txt" into what reads as "txt.exe") in titles
/// and file names, and path separators in file names (a name is never a path, whichever system it came from).
/// </summary>
public static class SafeText
{
    private static bool IsDirectionControl(char c) =>
        c is '\u061C' or '\u200E' or '\u200F' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');

    /// <summary>The text without direction controls.</summary>
    public static string WithoutDirectionControls(string text) =>
        text.Any(IsDirectionControl) ? new string(text.Where(c => !IsDirectionControl(c)).ToArray()) : text;

    /// <summary>The last part of a file name after any <c>/</c> or <c>\</c>, without direction or other control characters.</summary>
    public static string FileName(string name)
    {
        var last = name[(name.LastIndexOfAny(['/', '\\']) + 1)..];
        var clean = new string(last.Where(c => !IsDirectionControl(c) && !char.IsControl(c)).ToArray()).Trim();
        return clean.Length == 0 ? "file" : clean;
    }
}

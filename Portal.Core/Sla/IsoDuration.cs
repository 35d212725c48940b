using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Portal.Core.Sla;

/// <summary>ISO 8601 durations as the SLA contract uses them: hours, minutes and seconds only, canonical on output.</summary>
public static partial class IsoDuration
{
    [GeneratedRegex(@"^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$")]
    private static partial Regex TimePattern();

    [GeneratedRegex(@"^P(?:\d+[YMWD])+(?:T.*)?$")]
    private static partial Regex DatePartPattern();

    /// <summary>Parses a duration; on failure <paramref name="error"/> says why, without the field name.</summary>
    public static bool TryParse(string? text, out TimeSpan value, out string error)
    {
        value = default;
        error = "";
        if (string.IsNullOrEmpty(text))
        {
            error = "is empty; expected a duration such as PT4H or PT30M";
            return false;
        }

        if (DatePartPattern().IsMatch(text))
        {
            error = $"\"{text}\" uses a day, week, month or year unit, which is ambiguous in business time; write hours instead (PT24H)";
            return false;
        }

        var match = TimePattern().Match(text);
        if (!match.Success || text == "PT")
        {
            error = $"\"{text}\" is not a duration; expected hours, minutes and seconds such as PT4H, PT1H30M or PT45S";
            return false;
        }

        try
        {
            long Part(int group) => match.Groups[group].Success ? long.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture) : 0;
            value = TimeSpan.FromSeconds(checked((Part(1) * 3600) + (Part(2) * 60) + Part(3)));
            return true;
        }
        catch (Exception ex) when (ex is OverflowException or ArgumentOutOfRangeException)
        {
            error = $"\"{text}\" is too long a duration";
            return false;
        }
    }

    /// <summary>PT, then hours, minutes and seconds, zero parts left out, hours never folded into days; PT0S for zero.</summary>
    public static string Format(long ticks)
    {
        var seconds = Math.Max(0, ticks) / TimeSpan.TicksPerSecond;
        if (seconds == 0)
            return "PT0S";
        var sb = new StringBuilder("PT");
        var h = seconds / 3600;
        var m = seconds % 3600 / 60;
        var s = seconds % 60;
        if (h > 0)
            sb.Append(CultureInfo.InvariantCulture, $"{h}H");
        if (m > 0)
            sb.Append(CultureInfo.InvariantCulture, $"{m}M");
        if (s > 0)
            sb.Append(CultureInfo.InvariantCulture, $"{s}S");
        return sb.ToString();
    }
}

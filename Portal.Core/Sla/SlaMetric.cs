namespace Portal.Core.Sla;

/// <summary>The three things a desk promises; the order is the order they are reported in.</summary>
public enum SlaMetric
{
    FirstResponse = 0,
    NextResponse = 1,
    Resolution = 2,
}

public static class SlaMetrics
{
    public const int Count = 3;
    public static readonly SlaMetric[] All = [SlaMetric.FirstResponse, SlaMetric.NextResponse, SlaMetric.Resolution];

    public static string Name(SlaMetric metric) => metric switch
    {
        SlaMetric.FirstResponse => "firstResponse",
        SlaMetric.NextResponse => "nextResponse",
        _ => "resolution",
    };

    public static bool TryParse(string name, out SlaMetric metric)
    {
        switch (name)
        {
            case "firstResponse": metric = SlaMetric.FirstResponse; return true;
            case "nextResponse": metric = SlaMetric.NextResponse; return true;
            case "resolution": metric = SlaMetric.Resolution; return true;
            default: metric = default; return false;
        }
    }

    public static string Display(SlaMetric metric) => metric switch
    {
        SlaMetric.FirstResponse => "First response",
        SlaMetric.NextResponse => "Next response",
        _ => "Resolution",
    };
}

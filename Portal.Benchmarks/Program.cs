using BenchmarkDotNet.Running;

namespace Portal.Benchmarks;

public static class Program
{
    /// <summary>dotnet run -c Release --project Portal.Benchmarks -- --filter '*'</summary>
    public static void Main(string[] args)
    {
        if (args is ["sweep", ..])
        {
            SweepHarness.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000).GetAwaiter().GetResult();
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}

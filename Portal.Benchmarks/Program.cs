using BenchmarkDotNet.Running;

namespace Portal.Benchmarks;

public static class Program
{
    /// <summary>dotnet run -c Release --project Portal.Benchmarks -- --filter '*'</summary>
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}

using BenchmarkDotNet.Running;

namespace Portal.Benchmarks;

public static class Program
{
    /// <summary>
    /// dotnet run -c Release --project Portal.Benchmarks -- --filter '*' (BenchmarkDotNet), or the load harnesses:
    /// -- sweep [tickets], -- reports [tickets] [keep-path], -- api [tickets] [creates], -- live [hubClients] [circuits] [browserPages] [changes] [path], -- audit [entries], -- kb [articles] [keep-path], -- bulk [tickets].
    /// </summary>
    public static void Main(string[] args)
    {
        if (args is ["sweep", ..])
        {
            SweepHarness.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000).GetAwaiter().GetResult();
            return;
        }

        if (args is ["reports", ..])
        {
            ReportHarness.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000,
                args.Length > 2 ? args[2] : null).GetAwaiter().GetResult();
            return;
        }

        if (args is ["mail", ..])
        {
            MailHarness.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1_000, args.Skip(2).ToArray())
                .GetAwaiter().GetResult();
            return;
        }

        if (args is ["api", ..])
        {
            ApiHarness.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000,
                args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 10_000).GetAwaiter().GetResult();
            return;
        }

        if (args is ["bulk", ..])
        {
            BulkHarness.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 500).GetAwaiter().GetResult();
            return;
        }

        if (args is ["kb", ..])
        {
            KnowledgeHarness.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 100_000,
                args.Length > 2 ? args[2] : null).GetAwaiter().GetResult();
            return;
        }

        if (args is ["audit", ..])
        {
            AuditHarness.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000).GetAwaiter().GetResult();
            return;
        }

        if (args is ["live-clients", var kind, var baseUrl, var path, var count])
        {
            LiveHarness.RunClientsAsync(kind, baseUrl, path, int.Parse(count, System.Globalization.CultureInfo.InvariantCulture)).GetAwaiter().GetResult();
            return;
        }

        if (args is ["live", ..])
        {
            LiveHarness.RunAsync(LiveHarness.Arg(args, 1, 1000), LiveHarness.Arg(args, 2, 200), LiveHarness.Arg(args, 3, 20),
                LiveHarness.Arg(args, 4, 20), args.Length > 5 ? args[5] : "/board").GetAwaiter().GetResult();
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}

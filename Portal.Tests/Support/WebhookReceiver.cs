using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Portal.Tests.Support;

/// <summary>
/// A real HTTP receiver on a free local port, as an outside system would run one: it keeps every request (headers and
/// body) and answers with the status codes it is told to, in turn (200 once they run out).
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<int> _answers = new();
    private readonly SemaphoreSlim _arrived = new(0);

    public sealed record Received(IHeaderDictionary Headers, string Body);

    public ConcurrentQueue<Received> Requests { get; } = new();

    public string Url { get; private set; } = "";

    private WebhookReceiver()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        _app = builder.Build();
        _app.MapPost("/hook", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var body = await reader.ReadToEndAsync();
            Requests.Enqueue(new Received(new HeaderDictionary(http.Request.Headers.ToDictionary(h => h.Key, h => h.Value)), body));
            _arrived.Release();
            var status = _answers.TryDequeue(out var s) ? s : 200;
            http.Response.StatusCode = status;
            await http.Response.WriteAsync(status == 200 ? "thanks" : "receiver is down for maintenance");
        });
    }

    public static async Task<WebhookReceiver> StartAsync()
    {
        var receiver = new WebhookReceiver();
        await receiver._app.StartAsync();
        var address = receiver._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = address.TrimEnd('/') + "/hook";
        return receiver;
    }

    /// <summary>Waits until a request that matches has come (an outside system waiting for the desk's call), or fails after the timeout.</summary>
    public async Task<Received> WaitForAsync(Func<Received, bool> match, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        while (true)
        {
            if (Requests.FirstOrDefault(match) is { } found)
                return found;
            try
            {
                await _arrived.WaitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No matching request reached the receiver within {timeout.TotalSeconds:0} s ({Requests.Count} came).");
            }
        }
    }

    /// <summary>The next requests get these status codes, in order.</summary>
    public void AnswerNext(params int[] statuses)
    {
        foreach (var status in statuses)
            _answers.Enqueue(status);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Portal.Benchmarks;

/// <summary>
/// A Blazor Server circuit without a browser, for load tests: it reads a page's prerendered HTML, starts a circuit for
/// its interactive root components over /_blazor (the "blazorpack" protocol, MessagePack underneath), acknowledges
/// every render batch as a browser would, and notes when each batch arrived. It does not apply batches to a DOM, so it
/// measures what the server delivers, not what a browser makes of it; JS interop calls are left unanswered.
/// </summary>
public sealed partial class HeadlessCircuit : IAsyncDisposable
{
    [GeneratedRegex("<!--Blazor:(\\{.*?\\})-->")]
    private static partial Regex MarkerPattern();

    [GeneratedRegex("<!--Blazor-Server-Component-State:(.*?)-->")]
    private static partial Regex StatePattern();

    private readonly HubConnection _connection;
    private readonly List<long> _batches = [];

    private HeadlessCircuit(HubConnection connection) => _connection = connection;

    /// <summary>When each render batch arrived (UTC ticks of the system clock, comparable across processes).</summary>
    public IReadOnlyList<long> Batches
    {
        get
        {
            lock (_batches)
                return _batches.ToList();
        }
    }

    public static async Task<HeadlessCircuit> StartAsync(string baseUrl, string path, CookieContainer cookies)
    {
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = new Uri(baseUrl) };
        var html = await http.GetStringAsync(path);
        var markers = MarkerPattern().Matches(html).Select(m => JsonDocument.Parse(m.Groups[1].Value).RootElement)
            .Where(m => m.TryGetProperty("type", out var type) && type.GetString() == "server").ToList();
        if (markers.Count == 0)
            throw new InvalidOperationException($"{path} has no interactive server component to start.");
        var state = StatePattern().Match(html) is { Success: true } s ? s.Groups[1].Value : "";

        var builder = new HubConnectionBuilder()
            .WithUrl(baseUrl.TrimEnd('/') + "/_blazor", o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
                o.Cookies = cookies;
            });
        // The .NET client has no "blazorpack" protocol: it is MessagePack under another name.
        BlazorPackProtocol.Use(builder.Services);
        var connection = builder.Build();
        var circuit = new HeadlessCircuit(connection);
        connection.On<long, byte[]>("JS.RenderBatch", async (batchId, _) =>
        {
            lock (circuit._batches)
                circuit._batches.Add(DateTime.UtcNow.Ticks);
            await connection.SendAsync("OnRenderCompleted", batchId, null);
        });
        // JS interop calls (renderer set-up, MudBlazor's helpers) are answered "done, no result", as a page with
        // nothing to measure or focus would.
        connection.On("JS.BeginInvokeJS", [typeof(long), typeof(string), typeof(string), typeof(int), typeof(long), typeof(int)], async (args, _) =>
        {
            var handle = (long)args[0]!;
            await connection.SendAsync("EndInvokeJSFromDotNet", handle, true, $"[{handle},true,null]");
        }, circuit);
        // Messages a browser acts on that a headless client has nothing to do for.
        connection.On<int, string>("JS.AttachComponent", (_, _) => { });
        connection.On<long>("JS.EndUpdateRootComponents", _ => { });
        connection.On<string>("JS.Error", error => Console.Error.WriteLine($"Circuit error: {error}"));
        await connection.StartAsync();
        var id = await connection.InvokeAsync<string?>("StartCircuit", baseUrl.TrimEnd('/') + "/", baseUrl.TrimEnd('/') + path, "[]", "");
        if (string.IsNullOrEmpty(id))
            throw new InvalidOperationException("The server refused to start a circuit.");
        var operations = markers.Select((m, i) => new { type = "add", ssrComponentId = i, marker = m });
        await connection.SendAsync("UpdateRootComponents", JsonSerializer.Serialize(new { batchId = 1, operations }), state);
        return circuit;
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}

/// <summary>Blazor's hub protocol: MessagePack, named "blazorpack".</summary>
internal sealed class BlazorPackProtocol : IHubProtocol
{
    private readonly MessagePackHubProtocol _inner = new();

    public string Name => "blazorpack";
    public int Version => 1;
    public TransferFormat TransferFormat => TransferFormat.Binary;

    public bool IsVersionSupported(int version) => version == Version;

    public bool TryParseMessage(ref ReadOnlySequence<byte> input, IInvocationBinder binder, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out HubMessage? message) =>
        _inner.TryParseMessage(ref input, binder, out message);

    public void WriteMessage(HubMessage message, IBufferWriter<byte> output) => _inner.WriteMessage(message, output);

    public ReadOnlyMemory<byte> GetMessageBytes(HubMessage message) => _inner.GetMessageBytes(message);

    public static void Use(IServiceCollection services)
    {
        services.RemoveAll<IHubProtocol>();
        services.AddSingleton<IHubProtocol, BlazorPackProtocol>();
    }
}

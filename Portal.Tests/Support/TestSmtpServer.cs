using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MimeKit;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Portal.Tests.Support;

/// <summary>A real SMTP server on a loopback port that keeps what it receives, parsed, for the test to read.</summary>
public sealed class TestSmtpServer : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private SmtpServer.SmtpServer? _server;
    private Task? _running;

    public int Port { get; } = FreePort();
    public ConcurrentQueue<MimeMessage> Received { get; } = new();

    /// <summary>The portal's settings that send its email here (plain SMTP on loopback), with links to <paramref name="baseUrl"/>.</summary>
    public Dictionary<string, string?> Settings(string baseUrl = "https://desk.example.org", string from = "InternalDesk <desk@test.example>") => new()
    {
        ["Notifications:Email:Host"] = "127.0.0.1", ["Notifications:Email:Security"] = "None",
        ["Notifications:Email:Port"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Notifications:Email:From"] = from, ["Notifications:BaseUrl"] = baseUrl,
    };

    /// <summary>Addresses this server refuses (550 at RCPT TO), as a server with no such mailbox does.</summary>
    public ConcurrentBag<string> Refused { get; } = [];

    /// <summary>Ports handed out in this run: a server stopped on purpose (the mail server "down") keeps its port for when it comes back.</summary>
    private static readonly ConcurrentDictionary<int, bool> HandedOut = new();

    /// <summary>A loopback port free now and never handed out before in this run, so two tests never share one.</summary>
    public static int FreePort()
    {
        while (true)
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            if (HandedOut.TryAdd(port, true))
                return port;
        }
    }

    public async Task StartAsync()
    {
        var options = new SmtpServerOptionsBuilder().ServerName("localhost")
            .Endpoint(b => b.Endpoint(new IPEndPoint(IPAddress.Loopback, Port))).Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(Received));
        services.Add(new Filter(Refused));
        _server = new SmtpServer.SmtpServer(options, services);
        _running = _server.StartAsync(_stop.Token);
        // Listening once a connection succeeds.
        for (var i = 0; i < 50; i++)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
    }

    public async Task<MimeMessage> WaitForAsync(TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            if (Received.TryPeek(out var message))
                return message;
            await Task.Delay(20);
        }

        throw new TimeoutException("No email arrived.");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_running is not null)
        {
            try
            {
                await _running;
            }
            catch (OperationCanceledException)
            {
            }
        }

        _stop.Dispose();
    }

    private sealed class Filter(ConcurrentBag<string> refused) : MailboxFilter
    {
        public override Task<bool> CanDeliverToAsync(ISessionContext context, SmtpServer.Mail.IMailbox to, SmtpServer.Mail.IMailbox from,
            CancellationToken cancellationToken) =>
            Task.FromResult(!refused.Contains($"{to.User}@{to.Host}", StringComparer.OrdinalIgnoreCase));
    }

    private sealed class Store(ConcurrentQueue<MimeMessage> received) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer,
            CancellationToken cancellationToken)
        {
            await using var stream = new MemoryStream(buffer.ToArray());
            received.Enqueue(await MimeMessage.LoadAsync(stream, cancellationToken));
            return SmtpResponse.Ok;
        }
    }
}

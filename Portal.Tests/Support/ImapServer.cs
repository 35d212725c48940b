using System.Diagnostics;
using System.Net.Sockets;

namespace Portal.Tests.Support;

/// <summary>
/// A real IMAP server (Debian's Dovecot, which test.sh installs) on a free loopback port, in a folder of its own, for one
/// test class; any user name signs in with <see cref="Password"/>, each with a mailbox of its own. Stopped on dispose.
/// </summary>
public sealed class ImapServer : IAsyncDisposable
{
    public const string Password = "secret-imap";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "internaldesk-imap", Guid.NewGuid().ToString("N"));
    private Process? _process;

    public int Port { get; } = TestSmtpServer.FreePort();

    public async Task StartAsync()
    {
        const string binary = "/usr/sbin/dovecot";
        if (!File.Exists(binary))
            throw new InvalidOperationException("The mail tests need Dovecot (test.sh installs dovecot-imapd with apt-get).");
        foreach (var dir in new[] { "run", "state", "mail", "home" })
            Directory.CreateDirectory(Path.Combine(_root, dir));
        var config = Path.Combine(_root, "dovecot.conf");
        await File.WriteAllTextAsync(config, $$"""
            protocols = imap
            listen = 127.0.0.1
            base_dir = {{_root}}/run
            state_dir = {{_root}}/state
            log_path = {{_root}}/dovecot.log
            ssl = no
            disable_plaintext_auth = no
            auth_mechanisms = plain login
            default_internal_user = dovecot
            default_internal_group = dovecot
            default_login_user = dovenull
            first_valid_uid = 1
            mail_location = maildir:{{_root}}/mail/%u
            passdb {
              driver = static
              args = password={{Password}}
            }
            userdb {
              driver = static
              args = uid=dovecot gid=dovecot home={{_root}}/home/%u
            }
            service imap-login {
              inet_listener imap {
                address = 127.0.0.1
                port = {{Port}}
              }
              inet_listener imaps {
                port = 0
              }
            }
            protocol imap {
              mail_max_userip_connections = 200
            }
            """);
        using (var chown = Process.Start("chown", ["-R", "dovecot:dovecot", _root]))
            await chown.WaitForExitAsync();
        _process = Process.Start(new ProcessStartInfo(binary, ["-F", "-c", config]) { UseShellExecute = false, RedirectStandardError = true })!;
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync("127.0.0.1", Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>Stops the server (a mailbox that is down) and starts it again on the same port and mail.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        File.Delete(Path.Combine(_root, "run", "master.pid"));
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process?.Dispose();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean.
        }
    }
}

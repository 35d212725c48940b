using System.Diagnostics;
using System.Globalization;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using Portal.Core.Departments;
using Portal.Core.Mail;
using Portal.Core.Persistence;
using Portal.Core.Users;

namespace Portal.Benchmarks;

/// <summary>
/// dotnet run -c Release --project Portal.Benchmarks -- mail [messages=1000] [imap host:port user password]: takes N
/// messages through the intake on a fresh desk (70 % new requests, 30 % replies by reply key, from 100 employees), each
/// with its ticket, SLA, audit entries and facts, and prints messages per second. With an IMAP server, then measures
/// the time from a message's delivery to its ticket with the reader waiting on IDLE (20 deliveries).
/// </summary>
public static class MailHarness
{
    public static async Task RunAsync(int count, string[] imap)
    {
        HarnessFigures.PrintReference();
        using var bench = await BenchDatabase.CreateAsync("internaldesk-mail", settings: new Dictionary<string, string?>
        {
            ["Mail:Inbound:it@bench.example:Password"] = imap is [_, _, var secret] ? secret : null,
        });
        var factory = bench.Get<IDbContextFactory<DeskDbContext>>();
        int departmentId;
        await using (var db = await factory.CreateDbContextAsync())
        {
            departmentId = await db.Departments.Where(d => d.Code == "IT").Select(d => d.Id).SingleAsync();
            db.Categories.Add(new Category { DepartmentId = departmentId, Name = "General" });
            for (var i = 0; i < 100; i++)
            {
                var email = $"person{i:D3}@bench.example";
                db.Users.Add(new DeskUser
                {
                    UserName = email, NormalizedUserName = email.ToUpperInvariant(), Email = email, NormalizedEmail = email.ToUpperInvariant(),
                    DisplayName = $"Person {i}", Roles = Portal.Core.Security.DeskRole.Requester, SecurityStamp = Guid.NewGuid().ToString("N"),
                });
            }

            db.Mailboxes.Add(new Mailbox { DepartmentId = departmentId, Address = "it@bench.example", Kind = MailboxKind.Imap });
            await db.SaveChangesAsync();
        }

        var intake = bench.Get<MailIntake>();
        // Warm-up (not measured): the first messages run cold code.
        for (var i = 0; i < 20; i++)
            await intake.IngestAsync(Message($"person{i % 100:D3}@bench.example", "it@bench.example", $"Warm-up {i}", "Warming up."));

        var newOnes = count * 7 / 10;
        var messages = new List<byte[]>(count);
        for (var i = 0; i < newOnes; i++)
            messages.Add(Message($"person{i % 100:D3}@bench.example", "it@bench.example", $"Laptop problem {i}",
                $"Hello IT,\n\nmy laptop number {i} does not start since this morning.\n\nThanks,\nPerson {i % 100}"));
        var watch = Stopwatch.StartNew();
        var keys = new List<(string From, string? Key)>();
        foreach (var (raw, i) in messages.Select((m, i) => (m, i)))
            keys.Add(($"person{i % 100:D3}@bench.example", (await intake.IngestAsync(raw)).TicketKey));
        var newSeconds = watch.Elapsed.TotalSeconds;

        Dictionary<string, string?> mailKeys;
        await using (var db = await factory.CreateDbContextAsync())
            mailKeys = await db.Tickets.Where(t => t.MailKey != null).ToDictionaryAsync(t => t.Key, t => t.MailKey);
        var replies = keys.Take(count - newOnes).Select((k, i) => Message(k.From, $"it+{mailKeys[k.Key!]}@bench.example", $"Re: [{k.Key}] Laptop problem",
            $"It starts again after I held the power button.\n\nOn Thu, 3 Dec 2026 at 09:00, IT <it@bench.example> wrote:\n> Please hold the power button {i}.")).ToList();
        watch.Restart();
        foreach (var raw in replies)
            await intake.IngestAsync(raw);
        var replySeconds = watch.Elapsed.TotalSeconds;
        var total = newSeconds + replySeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{count:N0} messages through the intake on {BenchDatabase.ProviderName} in {total:F1} s ({count / total:F0} per second): " +
            $"{newOnes:N0} new requests in {newSeconds:F1} s, {count - newOnes:N0} replies in {replySeconds:F1} s"));

        if (imap is [var hostPort, var user, var password])
            await IdleLatencyAsync(bench, hostPort, user, password);
    }

    private static async Task IdleLatencyAsync(BenchDatabase bench, string hostPort, string user, string password)
    {
        var (host, port) = (hostPort.Split(':')[0], int.Parse(hostPort.Split(':')[1], CultureInfo.InvariantCulture));
        var factory = bench.Get<IDbContextFactory<DeskDbContext>>();
        Mailbox mailbox;
        await using (var db = await factory.CreateDbContextAsync())
        {
            mailbox = await db.Mailboxes.SingleAsync();
            mailbox.Host = host;
            mailbox.Port = port;
            mailbox.Security = "None";
            mailbox.UserName = user;
            await db.SaveChangesAsync();
        }

        var reader = bench.Get<ImapReader>();
        var samples = new List<double>();
        using var sender = new ImapClient();
        await sender.ConnectAsync(host, port, SecureSocketOptions.None);
        await sender.AuthenticateAsync(user, password);
        for (var round = 0; round < 21; round++)
        {
            DateTime? before;
            await using (var db = await factory.CreateDbContextAsync())
                before = await db.Mailboxes.Where(m => m.Id == mailbox.Id).Select(m => m.LastSuccessAt).SingleAsync();
            var reading = reader.ReadAsync(mailbox, TimeSpan.FromMinutes(5));
            // Once the reader has taken what waited, it waits on IDLE.
            while (true)
            {
                await using var db = await factory.CreateDbContextAsync();
                if (await db.Mailboxes.Where(m => m.Id == mailbox.Id).Select(m => m.LastSuccessAt).SingleAsync() != before)
                    break;
                if (reading.IsCompleted)
                {
                    await reading; // a reading that failed says why
                    throw new InvalidOperationException("The reading ended before it recorded its first pass.");
                }
                await Task.Delay(5);
            }

            await Task.Delay(200);
            var subject = $"Idle {round} {Guid.NewGuid():N}";
            // A sender of its own each time: the flood limit must not hold these.
            var raw = Message($"person{50 + round:D3}@bench.example", "it@bench.example", subject, "Delivered while the desk waits on IDLE.");
            using var stream = new MemoryStream(raw);
            await sender.Inbox.AppendAsync(await MimeMessage.LoadAsync(stream));
            var delivered = Stopwatch.StartNew();
            while (true)
            {
                await using var db = await factory.CreateDbContextAsync();
                if (await db.Tickets.AnyAsync(t => t.Title == subject))
                    break;
                await Task.Delay(2);
            }

            if (round > 0)
                samples.Add(delivered.Elapsed.TotalMilliseconds);
            await reading;
        }

        samples.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Delivery to ticket with IDLE ({samples.Count} deliveries): median {samples[samples.Count / 2]:F0} ms, p95 {samples[(int)(samples.Count * 0.95) - 1]:F0} ms, max {samples[^1]:F0} ms"));
    }

    private static byte[] Message(string from, string to, string subject, string text)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("bench.example");
        message.Body = new TextPart("plain") { Text = text };
        using var stream = new MemoryStream();
        message.WriteTo(stream);
        return stream.ToArray();
    }
}

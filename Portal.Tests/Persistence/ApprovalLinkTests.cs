using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using Portal.Core.Approvals;
using Portal.Core.Common;
using Portal.Core.Departments;
using Portal.Core.Mail;
using Portal.Core.Notifications;
using Portal.Core.Handling;
using Portal.Core.Tickets;
using Portal.Tests.Support;

namespace Portal.Tests.Persistence;

/// <summary>
/// The Approve and Reject links of an approval email, sent over real SMTP: one click opens the decision for that approver
/// only, once, until it expires; signing in first unless the step allows the link alone; answers to the email are turned back.
/// </summary>
public partial class ApprovalLinkTests : IAsyncLifetime
{
    private readonly TestSmtpServer _smtp = new();
    private TestDatabase _db = default!;
    private TestOrg Org => _db.Org;
    private ApprovalLinks Links => _db.Get<ApprovalLinks>();

    public async Task InitializeAsync()
    {
        await _smtp.StartAsync();
        _db = await TestDatabase.CreateAsync(settings: _smtp.Settings());
        await using var db = _db.NewContext();
        await db.Users.Where(u => u.Id == Org.Requester.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.ManagerId, Org.ItSupervisor.Id));
        db.Mailboxes.Add(new Mailbox { DepartmentId = Org.It.Id, Address = "it@test.example" });
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        await _smtp.DisposeAsync();
    }

    /// <summary>Files a laptop request that needs the requester's manager (IT's supervisor), and returns the approval email she got.</summary>
    private async Task<(CreatedTicket Ticket, MimeMessage Email)> FileAsync(bool linkWithoutSignIn)
    {
        await using (var db = _db.NewContext())
        {
            db.ApprovalSteps.Add(new ApprovalStep
            {
                CategoryId = Org.Laptop.Id, Order = 1, Name = "Manager", Approver = ApproverKind.RequesterManager, LinkWithoutSignIn = linkWithoutSignIn,
            });
            await _db.Get<Portal.Core.Operations.ConfigurationVersion>().SaveEditAsync(db);
        }

        var created = await TicketFactory.FileAsync(_db, Org.ActorFor(Org.Requester), TicketFactory.Laptop(Org));
        await _db.Get<OutboxDispatcher>().DispatchAsync();
        var email = _smtp.Received.Single(m => m.To.Mailboxes.Single().Address == Org.ItSupervisor.Email && m.Subject!.Contains("Your approval is asked"));
        return (created, email);
    }

    private static (string Approve, string Reject) LinksIn(MimeMessage email)
    {
        var approve = ApproveLine().Match(email.TextBody!).Groups[1].Value;
        var reject = RejectLine().Match(email.TextBody!).Groups[1].Value;
        return (Token(approve), Token(reject));
    }

    private static string Token(string url) => Uri.UnescapeDataString(Regex.Match(url, "[?&]t=([^&]+)").Groups[1].Value);

    [GeneratedRegex(@"Approve: (https://desk\.example\.org/approvals/link\?\S+)")]
    private static partial Regex ApproveLine();

    [GeneratedRegex(@"Reject:\s+(https://desk\.example\.org/approvals/link\?\S+)")]
    private static partial Regex RejectLine();

    [Fact]
    public async Task TheEmail_CarriesApproveAndRejectLinks_NotForReplies_AndOneClickWithoutSignIn_ApprovesOnce()
    {
        var (created, email) = await FileAsync(linkWithoutSignIn: true);
        Assert.Empty(email.ReplyTo);
        Assert.StartsWith("n-", email.MessageId);
        Assert.DoesNotContain(MailKeys.ReplyAboveLine, email.TextBody);
        Assert.Contains("Replies to this email are not read.", email.TextBody);
        Assert.Contains($"Requested by {Org.Requester.DisplayName}\nAsset tag: LT-1001", email.TextBody);
        Assert.Contains("<a href=\"https://desk.example.org/approvals/link?t=", email.HtmlBody);
        var (approve, reject) = LinksIn(email);
        Assert.Equal(approve, reject);

        var page = await Links.ReadAsync(approve, approve: true, signedIn: null);
        Assert.Equal(LinkState.Ready, page.State);
        Assert.Equal((created.Key, Org.Requester.DisplayName, "Manager"), (page.Request!.Key, page.Request.Requester, page.Request.StepName));

        var decision = await Links.DecideAsync(approve, approve: true, reason: "Fine", signedIn: null);
        Assert.Equal((ApprovalState.Approved, TicketStatus.New), (decision.StepState, decision.TicketStatus));
        await using (var db = _db.NewContext())
        {
            var row = await db.TicketApprovers.SingleAsync();
            Assert.Equal((Org.ItSupervisor.Id, (bool?)true, true), (row.UserId, row.Approved, row.ByLink));
            Assert.True(await db.TicketEvents.AnyAsync(e => e.TicketId == created.Id && e.Kind == TicketEventKind.ApprovalDecided
                && e.ActorId == Org.ItSupervisor.Id && e.NewValue == "Approved"));
        }

        // Used twice (the same link, or the other one): refused, saying what was decided.
        var again = await Links.ReadAsync(reject, approve: false, signedIn: null);
        Assert.Equal(LinkState.Used, again.State);
        Assert.Contains("already decided this: approved", again.Message);
        await Assert.ThrowsAsync<DeskConflictException>(() => Links.DecideAsync(reject, approve: false, "No", signedIn: null));
    }

    [Fact]
    public async Task AStepThatAsksToSignIn_RefusesTheLinkAlone_AndSomeoneElseSignedIn_ButTakesTheApproverSignedIn()
    {
        var (created, email) = await FileAsync(linkWithoutSignIn: false);
        var (_, reject) = LinksIn(email);

        Assert.Equal(LinkState.SignInNeeded, (await Links.ReadAsync(reject, false, signedIn: null)).State);
        await Assert.ThrowsAsync<DeskForbiddenException>(() => Links.DecideAsync(reject, false, "Too dear", signedIn: null));

        var other = await Links.ReadAsync(reject, false, Org.ActorFor(Org.ItAgent));
        Assert.Equal(LinkState.OtherPerson, other.State);
        Assert.Contains($"sent to {Org.ItSupervisor.DisplayName}", other.Message);
        await Assert.ThrowsAsync<DeskForbiddenException>(() => Links.DecideAsync(reject, false, "Too dear", Org.ActorFor(Org.ItAgent)));

        var supervisor = Org.ActorFor(Org.ItSupervisor);
        Assert.Equal(LinkState.Ready, (await Links.ReadAsync(reject, false, supervisor)).State);
        var missing = await Assert.ThrowsAsync<DeskValidationException>(() => Links.DecideAsync(reject, false, " ", supervisor));
        Assert.Contains("Reason", missing.Errors.Keys);
        var decision = await Links.DecideAsync(reject, false, "Too dear", supervisor);
        Assert.Equal((ApprovalState.Rejected, TicketStatus.Closed), (decision.StepState, decision.TicketStatus));
        await using var db = _db.NewContext();
        Assert.Equal(TicketStatus.Closed, await db.Tickets.Where(t => t.Id == created.Id).Select(t => t.Status).SingleAsync());
    }

    [Fact]
    public async Task AnExpiredLink_AndAnAlteredOne_AreRefused_NamingWhy()
    {
        var (_, email) = await FileAsync(linkWithoutSignIn: true);
        var (approve, _) = LinksIn(email);

        var altered = approve[..^4] + (approve[^4] == 'A' ? "B" : "A") + approve[^3..];
        Assert.Equal(LinkState.Invalid, (await Links.ReadAsync(altered, true, null)).State);
        Assert.Equal(LinkState.Invalid, (await Links.ReadAsync("not-a-link", true, null)).State);
        Assert.Equal(LinkState.Invalid, (await Links.ReadAsync(null, true, null)).State);

        _db.Clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromMinutes(1));
        var expired = await Links.ReadAsync(approve, true, null);
        Assert.Equal(LinkState.Expired, expired.State);
        Assert.Contains("expired", expired.Message);
        await Assert.ThrowsAsync<DeskConflictException>(() => Links.DecideAsync(approve, true, null, null));
    }

    [Fact]
    public async Task ALinkOfAStepDecidedMeanwhile_OnMyApprovals_NoLongerDecides()
    {
        var (created, email) = await FileAsync(linkWithoutSignIn: true);
        var (approve, _) = LinksIn(email);
        var mine = Assert.Single(await _db.Get<ApprovalService>().MineAsync(Org.ActorFor(Org.ItSupervisor)));
        await _db.Get<ApprovalService>().DecideAsync(Org.ActorFor(Org.ItSupervisor), mine.ApprovalId, approve: true, reason: null);

        Assert.Equal(LinkState.Used, (await Links.ReadAsync(approve, true, null)).State);
        await using var db = _db.NewContext();
        Assert.Equal(1, await db.TicketEvents.CountAsync(e => e.TicketId == created.Id && e.Kind == TicketEventKind.ApprovalDecided));
    }

    [Fact]
    public async Task AnAnswerToTheApprovalEmail_IsNoReplyOnTheTicket_AndItsSenderIsToldToUseTheLinks()
    {
        var (created, email) = await FileAsync(linkWithoutSignIn: true);
        _smtp.Received.Clear();

        // "approve" typed as an answer, sent to the desk's address the email came from (a mailbox of IT here).
        var answer = new MimeMessage();
        answer.From.Add(MailboxAddress.Parse(Org.ItSupervisor.Email!));
        answer.To.Add(MailboxAddress.Parse("it@test.example"));
        answer.Subject = "Re: " + email.Subject;
        answer.InReplyTo = email.MessageId;
        answer.References.Add(email.MessageId!);
        answer.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("phone.test.example");
        answer.Body = new TextPart("plain") { Text = "approve" };
        using var bytes = new MemoryStream();
        answer.WriteTo(bytes);
        int tickets;
        await using (var db = _db.NewContext())
            tickets = await db.Tickets.CountAsync();
        var result = await _db.Get<MailIntake>().IngestAsync(bytes.ToArray());

        Assert.Equal(MailOutcome.Refused, result.Outcome);
        await using (var db = _db.NewContext())
        {
            Assert.False(await db.TicketEvents.AnyAsync(e => e.TicketId == created.Id && e.Kind == TicketEventKind.Reply));
            Assert.Equal(TicketStatus.AwaitingApproval, await db.Tickets.Where(t => t.Id == created.Id).Select(t => t.Status).SingleAsync());
            Assert.Equal(tickets, await db.Tickets.CountAsync());
        }

        await _db.Get<OutboxDispatcher>().DispatchAsync();
        var letter = _smtp.Received.Single(m => m.To.Mailboxes.Single().Address == Org.ItSupervisor.Email);
        Assert.Contains("Answers to this email are not read", letter.TextBody);
    }
}

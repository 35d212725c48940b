using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Departments;
using Portal.Core.Security;
using Portal.Core.Tickets;
using Portal.Core.Users;

namespace Portal.Core.Persistence;

public sealed record DemoAccount(string Email, string Name, string What);

/// <summary>A believable organisation to try the desk with: people, teams, categories and a few hundred tickets.</summary>
public sealed class DemoData(IDbContextFactory<DeskDbContext> dbFactory, TimeProvider clock, Sla.SlaService sla, Mail.MailIntake mail,
    Handling.TicketFiling filing, Approvals.ApprovalService approvals, Users.ActorService actors, Operations.ConfigurationVersion configuration,
    Knowledge.KnowledgeService knowledge, Responses.CannedResponseService responses)
{
    public const string Password = "Demo!2026";
    private const string Domain = "acme.example";

    public static readonly IReadOnlyList<DemoAccount> Accounts =
    [
        new($"ada.admin@{Domain}", "Ada Admin", "Admin: configures departments, categories and users"),
        new($"sam.supervisor@{Domain}", "Sam Supervisor", "Supervisor of IT"),
        new($"ivan.agent@{Domain}", "Ivan Agent", "IT agent, Service Desk team"),
        new($"hana.agent@{Domain}", "Hana Agent", "HR agent"),
        new($"felix.agent@{Domain}", "Felix Agent", "Facilities agent"),
        new($"erin.employee@{Domain}", "Erin Employee", "Employee (requester)"),
        new($"victor.vip@{Domain}", "Victor Vip", "Employee tagged VIP"),
        new($"audrey.auditor@{Domain}", "Audrey Auditor", "Auditor: reads the audit trail and the complaint register"),
    ];

    private static readonly string[] FirstNames =
    [
        "Amira", "Ben", "Chloe", "Dmitri", "Elena", "Farid", "Grace", "Hugo", "Isla", "Jonas", "Kenji", "Lena",
        "Marco", "Nadia", "Oscar", "Priya", "Quentin", "Rosa", "Stefan", "Tara", "Umar", "Vera", "Wim", "Xenia",
        "Yusuf", "Zoe", "Anton", "Bea", "Carl", "Dana", "Emil", "Fiona", "Gustav",
    ];

    private static readonly string[] LastNames =
    [
        "Novak", "Okafor", "Berg", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Haddad", "Ivanova", "Jansen",
        "Kowalski", "Laine", "Moreau", "Nakamura", "Olsen", "Petrov", "Quinn", "Rossi", "Schmidt", "Tanaka",
        "Umarov", "Varga", "Weber", "Xu", "Yilmaz", "Zeller", "Andersen", "Brandt", "Cohen", "Dahl", "Engel", "Frey",
    ];

    private sealed record CategorySpec(string Name, string Description, (string Label, FieldKind Kind, bool Required, string Options, bool Public)[] Fields, string[] Titles);

    private static readonly Dictionary<string, CategorySpec[]> Categories = new()
    {
        ["IT"] =
        [
            new("Laptop problem", "Your laptop is slow, broken or will not start.",
                [("Asset tag", FieldKind.Text, true, "", true), ("Operating system", FieldKind.Choice, true, "Windows 11\nmacOS\nLinux", true),
                 ("Can you still work?", FieldKind.YesNo, false, "", true), ("Diagnosed fault", FieldKind.Text, false, "", false)],
                ["Laptop will not boot after update", "Battery drains within an hour", "Keyboard keys stuck", "Screen flickers", "Fan very loud and hot", "Laptop freezes in video calls"]),
            new("Access request", "Access to a system, share or application. Your manager, then the data's owner, approve it first.",
                [("System", FieldKind.Choice, true, "ERP\nCRM\nFile share\nVPN\nHR portal", true), ("Needed by", FieldKind.Date, false, "", true)],
                ["Need access to the CRM", "VPN access for remote work", "Read access to finance share", "ERP role for new project"]),
            new("System down", "A system many people rely on is not working.",
                [("System", FieldKind.Choice, true, "Email\nERP\nCRM\nWi-Fi\nPrinters\nOther", true), ("People affected", FieldKind.Number, false, "", true)],
                ["Email is down for the whole floor", "ERP not responding", "Wi-Fi down in building B", "Printers offline"]),
            new("Software install", "Install or update software.", [("Software name", FieldKind.Text, true, "", true)],
                ["Install Visio", "Update the PDF editor", "Need Python on my laptop"]),
        ],
        ["HR"] =
        [
            new("Payroll question", "Questions about your pay slip, tax or deductions.",
                [("Pay period", FieldKind.Text, true, "", true), ("Amount in question", FieldKind.Number, false, "", true)],
                ["Overtime missing from pay slip", "Wrong tax code", "Bonus not paid", "Pension deduction changed"]),
            new("Onboarding", "Everything a new colleague needs on day one.",
                [("New starter name", FieldKind.Text, true, "", true), ("Start date", FieldKind.Date, true, "", true),
                 ("Needs a laptop", FieldKind.YesNo, true, "", true)],
                ["New starter in Sales", "Onboarding for the new analyst", "Intern starting next month"]),
            new("Leave and absence", "Holiday, sick leave, parental leave.", [("From", FieldKind.Date, false, "", true), ("To", FieldKind.Date, false, "", true)],
                ["Parental leave question", "Holiday balance looks wrong", "Sick note upload"]),
        ],
        ["FAC"] =
        [
            new("Repair", "Something in the building is broken.",
                [("Location", FieldKind.Text, true, "", true), ("Safety risk", FieldKind.YesNo, true, "", true),
                 ("Contractor", FieldKind.Text, false, "", false)],
                ["Leaking tap in kitchen 2", "Door lock broken", "Light flickering in corridor", "Heating not working on floor 3", "Broken chair"]),
            new("Room booking problem", "A meeting room is double booked, locked or unusable.",
                [("Room", FieldKind.Choice, true, "Aurora\nBoreal\nCanyon\nDelta\nEstuary", true), ("Date", FieldKind.Date, true, "", true)],
                ["Aurora double booked", "Projector in Delta not working", "Canyon room locked"]),
            new("Cleaning", "Cleaning and waste.", [("Location", FieldKind.Text, true, "", true)],
                ["Bins not emptied", "Spill in the lobby", "Kitchen needs cleaning"]),
        ],
    };

    /// <summary>Whether the database has no people and no tickets yet (the only state the demo loads into).</summary>
    public async Task<bool> IsEmptyAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return !await db.Users.AnyAsync(ct) && !await db.Tickets.AnyAsync(ct);
    }

    /// <summary>Loads the demo organisation; refuses to touch a database that already has people or tickets.</summary>
    public async Task<int> LoadAsync(int ticketCount = 300, CancellationToken ct = default)
    {
        if (!await IsEmptyAsync(ct))
            throw new InvalidOperationException("The database already has users or tickets; the demo data loads only into an empty one.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rng = new Random(20261127);
        var now = clock.GetUtcNow().UtcDateTime;
        var hash = new PasswordHasher<DeskUser>().HashPassword(new DeskUser(), Password);
        var departments = await db.Departments.ToDictionaryAsync(d => d.Code, ct);
        var types = await db.TicketTypes.ToDictionaryAsync(t => t.Name, ct);

        DeskUser NewUser(string email, string name, DeskRole roles, string tags = "") => new()
        {
            UserName = email, NormalizedUserName = email.ToUpperInvariant(), Email = email,
            NormalizedEmail = email.ToUpperInvariant(), EmailConfirmed = true, PasswordHash = hash,
            SecurityStamp = Guid.NewGuid().ToString("N"), DisplayName = name, Roles = roles, Tags = tags,
            LockoutEnabled = true,
        };

        var admin = NewUser(Accounts[0].Email, Accounts[0].Name, DeskRole.Admin);
        var sam = NewUser(Accounts[1].Email, Accounts[1].Name, DeskRole.Supervisor);
        var ivan = NewUser(Accounts[2].Email, Accounts[2].Name, DeskRole.Agent);
        var hana = NewUser(Accounts[3].Email, Accounts[3].Name, DeskRole.Agent);
        var felix = NewUser(Accounts[4].Email, Accounts[4].Name, DeskRole.Agent);
        var erin = NewUser(Accounts[5].Email, Accounts[5].Name, DeskRole.Requester);
        var victor = NewUser(Accounts[6].Email, Accounts[6].Name, DeskRole.Requester, "VIP");
        var people = new List<DeskUser> { admin, sam, ivan, hana, felix, erin, victor };
        for (var i = 0; i < FirstNames.Length; i++)
        {
            var first = FirstNames[i];
            var last = LastNames[i];
            people.Add(NewUser($"{first.ToLowerInvariant()}.{last.ToLowerInvariant()}@{Domain}", $"{first} {last}", DeskRole.Requester,
                i % 11 == 3 ? "VIP" : ""));
        }

        // Staff: besides the named demo accounts, a few generated people work in each department.
        var extra = people.Skip(7).ToList();
        var staffByDept = new Dictionary<string, List<DeskUser>>
        {
            ["IT"] = [sam, ivan, extra[0], extra[1], extra[2], extra[3]],
            ["HR"] = [hana, extra[4], extra[5], extra[6]],
            ["FAC"] = [felix, extra[7], extra[8], extra[9]],
        };
        extra[0].Roles = DeskRole.Agent;
        extra[1].Roles = DeskRole.Agent;
        extra[2].Roles = DeskRole.Agent;
        extra[3].Roles = DeskRole.Agent;
        extra[4].Roles = DeskRole.Supervisor;
        extra[5].Roles = DeskRole.Agent;
        extra[6].Roles = DeskRole.Agent;
        extra[7].Roles = DeskRole.Supervisor;
        extra[8].Roles = DeskRole.Agent;
        extra[9].Roles = DeskRole.Agent;
        foreach (var (code, staff) in staffByDept)
            foreach (var person in staff)
                person.Departments.Add(new DepartmentMember { DepartmentId = departments[code].Id });
        admin.Departments.AddRange(departments.Values.Select(d => new DepartmentMember { DepartmentId = d.Id }));

        // Managers: supervisors manage their agents; everyone else reports to one of three managers.
        foreach (var (code, staff) in staffByDept)
        {
            var head = staff.First(p => p.Roles.HasFlag(DeskRole.Supervisor));
            foreach (var p in staff.Where(p => p != head))
                p.Manager = head;
            departments[code].Head = head;
        }

        var managers = new[] { extra[10], extra[11], extra[12] };
        foreach (var (p, i) in people.Where(p => p.Roles == DeskRole.Requester && !managers.Contains(p)).Select((p, i) => (p, i)))
            p.Manager = managers[i % managers.Length];
        // For the approvals one can try with the demo accounts: Erin reports to Sam, who reports to Ada; Hana heads HR.
        erin.Manager = sam;
        sam.Manager = admin;
        departments["HR"].Head = hana;
        db.Users.AddRange(people);
        db.Users.Add(NewUser(Accounts[7].Email, Accounts[7].Name, DeskRole.Auditor));

        var teams = new Dictionary<string, List<Team>>
        {
            ["IT"] =
            [
                new Team { Name = "Service Desk", AssignmentMode = Departments.AssignmentMode.LeastOpen },
                new Team { Name = "Senior", AssignmentMode = Departments.AssignmentMode.RoundRobin },
                new Team { Name = "On-call", AssignmentMode = Departments.AssignmentMode.RoundRobin },
            ],
            ["HR"] = [new Team { Name = "People Services" }, new Team { Name = "Payroll" }],
            ["FAC"] = [new Team { Name = "Maintenance" }, new Team { Name = "Workplace" }],
        };
        foreach (var (code, list) in teams)
        {
            departments[code].Teams.AddRange(list);
            for (var i = 0; i < staffByDept[code].Count; i++)
                list[i % list.Count].Members.Add(new TeamMember { User = staffByDept[code][i] });
        }

        teams["IT"][1].Members.Add(new TeamMember { User = sam });

        // Security (in IT) and Legal (its own department) are brought in on security incidents and compliance complaints.
        var legal = new Department { Code = "LEG", Name = "Legal", Description = "Contracts, compliance and legal questions." };
        var legalTeam = new Team { Name = "Legal" };
        legal.Teams.Add(legalTeam);
        legal.Categories.Add(new Category { Name = "Contract review", Description = "A contract to review before signing." });
        db.Departments.Add(legal);
        var counsel = extra[13];
        counsel.Roles = DeskRole.Agent;
        counsel.Departments.Add(new DepartmentMember { Department = legal });
        legalTeam.Members.Add(new TeamMember { User = counsel });
        var security = new Team { Name = "Security" };
        security.Members.Add(new TeamMember { User = extra[0] });
        departments["IT"].Teams.Add(security);
        var categories = new Dictionary<string, List<(Category Category, CategorySpec Spec)>>();
        foreach (var (code, specs) in Categories)
        {
            categories[code] = [];
            foreach (var spec in specs)
            {
                var category = new Category { Name = spec.Name, Description = spec.Description };
                category.Fields.AddRange(spec.Fields.Select((f, i) => new CustomField
                {
                    Label = f.Label, Kind = f.Kind, Required = f.Required, Options = f.Options, VisibleToRequester = f.Public,
                    SortOrder = i,
                }));
                departments[code].Categories.Add(category);
                categories[code].Add((category, spec));
            }
        }

        await db.SaveChangesAsync(ct);

        var requesters = people.Where(p => p.Roles == DeskRole.Requester).ToList();
        var statuses = new[]
        {
            TicketStatus.New, TicketStatus.Open, TicketStatus.InProgress, TicketStatus.PendingRequester, TicketStatus.OnHold,
            TicketStatus.Resolved, TicketStatus.Closed, TicketStatus.Closed, TicketStatus.Resolved, TicketStatus.Open,
        };
        var codes = departments.Keys.OrderBy(c => c).ToArray();
        var created = new List<Ticket>();
        for (var i = 0; i < ticketCount; i++)
        {
            var code = codes[rng.Next(codes.Length)];
            var dept = departments[code];
            var (category, spec) = categories[code][rng.Next(categories[code].Count)];
            var requester = i < 12 ? (i % 2 == 0 ? erin : victor) : requesters[rng.Next(requesters.Count)];
            var at = now.AddMinutes(-rng.Next(10, 60 * 24 * 60));
            at = new DateTime(at.Year, at.Month, at.Day, at.Hour, at.Minute, at.Second, DateTimeKind.Utc);
            var ageDays = (now - at).TotalDays;
            var status = ageDays > 20 && rng.Next(4) > 0 ? TicketStatus.Closed : statuses[rng.Next(statuses.Length)];
            var staff = staffByDept[code];
            var assignee = status == TicketStatus.New ? null : staff[rng.Next(staff.Count)];
            var priority = code == "IT" && spec.Name == "System down" ? TicketPriority.Critical
                : (TicketPriority)rng.Next(0, 3);
            var title = spec.Titles[rng.Next(spec.Titles.Length)];
            var ticket = new Ticket
            {
                DepartmentId = dept.Id, Number = dept.NextTicketNumber, Key = $"{dept.Code}-{dept.NextTicketNumber}",
                Title = title, Description = $"{title}. {Describe(rng)}", CategoryId = category.Id,
                TypeId = types[spec.Name == "System down" ? "Incident" : "Request"].Id, Priority = priority, Status = status,
                RequesterId = requester.Id, AssigneeId = assignee?.Id,
                TeamId = assignee is null ? null : teams[code].FirstOrDefault(t => t.Members.Any(m => m.User == assignee))?.Id,
                CreatedAt = at, UpdatedAt = at, Version = 1, MailKey = MailKeys.New(),
            };
            dept.NextTicketNumber++;
            foreach (var field in category.Fields.Where(f => f.Required || rng.Next(2) == 0))
                ticket.FieldValues.Add(new TicketFieldValue { FieldId = field.Id, Value = SampleValue(field, rng, at) });
            ticket.Events.Add(new TicketEvent { At = at, ActorId = requester.Id, Kind = TicketEventKind.Created, IsPublic = true, Body = ticket.Description, NewValue = title });
            var t = at;
            if (assignee is not null)
            {
                t = t.AddMinutes(rng.Next(5, 240));
                ticket.Events.Add(new TicketEvent { At = t, ActorId = assignee.Id, Kind = TicketEventKind.AssigneeChanged, IsPublic = true, ByAgent = true, Subject = "Assignee", NewValue = assignee.DisplayName });
                t = t.AddMinutes(rng.Next(1, 120));
                ticket.Events.Add(new TicketEvent { At = t, ActorId = assignee.Id, Kind = TicketEventKind.Reply, IsPublic = true, ByAgent = true, Body = AgentReplies[rng.Next(AgentReplies.Length)] });
                ticket.Events.Add(TicketEvent.StatusChange(0, t, TicketStatus.New, TicketStatus.Open, assignee.Id, byAgent: true));
                if (rng.Next(3) == 0)
                {
                    t = t.AddMinutes(rng.Next(1, 60));
                    ticket.Events.Add(new TicketEvent { At = t, ActorId = assignee.Id, Kind = TicketEventKind.InternalNote, IsPublic = false, ByAgent = true, Body = "Checked the logs; looks like the known issue from last week." });
                }

                if (status != TicketStatus.Open)
                {
                    t = t.AddMinutes(rng.Next(10, 60 * 24));
                    ticket.Events.Add(TicketEvent.StatusChange(0, t, TicketStatus.Open, status, assignee.Id, byAgent: true));
                }
            }

            ticket.UpdatedAt = t > now ? now : t;
            foreach (var e in ticket.Events.Where(e => e.At > now))
                e.At = now;
            created.Add(ticket);
        }

        created.AddRange(Showcase(departments["IT"], categories["IT"].First(c => c.Spec.Name == "System down").Category,
            types["Incident"].Id, requesters.Where(r => r.Tags == "").Take(6).ToList(), staffByDept["IT"][1], now));
        db.Tickets.AddRange(created);
        await db.SaveChangesAsync(ct);
        await AddSlaPoliciesAsync(db, departments, ct);
        AddEscalationPaths(db, departments, teams);
        AddRules(db, departments, teams, security, legalTeam, types, categories["IT"].First(c => c.Spec.Name == "System down").Category);
        await db.SaveChangesAsync(ct);
        await AddAssetsAsync(db, departments, requesters, created, admin, rng, now, ct);
        await AddComplaintsAsync(db, departments, created, types["Complaint"].Id, ct);
        db.Mailboxes.AddRange(MailboxAddresses.Select(m => new Mailbox { DepartmentId = departments[m.Code].Id, Address = m.Address, Kind = MailboxKind.Pipe }));
        await db.SaveChangesAsync(ct);
        await sla.RecomputeAsync(q => q, ct);
        var filed = created.Count + await AddMailAsync(ct) + await AddApprovalsAsync(admin.Id, erin.Id, victor.Id, sam.Id, ct);
        await AddArticlesAsync(new Dictionary<string, string> { ["IT"] = ivan.Id, ["HR"] = hana.Id, ["FAC"] = felix.Id }, erin.Id, ct);
        await AddResponsesAsync(new Dictionary<string, string> { ["IT"] = ivan.Id, ["HR"] = hana.Id, ["FAC"] = felix.Id }, admin.Id, ct);
        return filed;
    }

    /// <summary>Each department's shared address; mail to one of them (<c>mail ingest</c>) works on a fresh demo desk.</summary>
    public static readonly IReadOnlyList<(string Code, string Address)> MailboxAddresses =
        [("IT", $"it@{Domain}"), ("HR", $"hr@{Domain}"), ("FAC", $"facilities@{Domain}")];

    /// <summary>A few requests that came by email, with answers by email, through the real intake.</summary>
    /// <summary>
    /// The approval steps of the demo (an access request: the manager, then the data owner; a new laptop above 1,500: the
    /// manager's manager; onboarding: HR's head before its tasks start), and requests filed through the desk in each state.
    /// </summary>
    private async Task<int> AddApprovalsAsync(string adminId, string erinId, string victorId, string samId, CancellationToken ct)
    {
        int it, access, laptop, cost, system, model;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            it = await db.Departments.Where(d => d.Code == "IT").Select(d => d.Id).SingleAsync(ct);
            access = await db.Categories.Where(c => c.Name == "Access request").Select(c => c.Id).SingleAsync(ct);
            // A category of its own (made here, so the generated history above stays as it was).
            var newLaptop = new Category
            {
                DepartmentId = it, Name = "New laptop", Description = "A new or replacement laptop. Above 1,500 your manager's manager approves it first.",
                Fields =
                [
                    new CustomField { Label = "Model", Kind = FieldKind.Choice, Required = true, Options = "Standard 14-inch\nPerformance 16-inch\nMacBook Pro", SortOrder = 0 },
                    new CustomField { Label = "Cost", Kind = FieldKind.Number, Required = true, SortOrder = 1 },
                ],
            };
            db.Categories.Add(newLaptop);
            await db.SaveChangesAsync(ct);
            laptop = newLaptop.Id;
            (model, cost) = (newLaptop.Fields[0].Id, newLaptop.Fields[1].Id);
            system = await db.CustomFields.Where(f => f.CategoryId == access && f.Label == "System").Select(f => f.Id).SingleAsync(ct);
            var onboarding = await db.CatalogItems.Where(i => i.Name == "Onboarding a new hire").Select(i => i.Id).SingleAsync(ct);
            db.ApprovalSteps.AddRange(
                new Approvals.ApprovalStep
                {
                    CategoryId = access, Order = 1, Name = "Manager", Approver = Approvals.ApproverKind.RequesterManager, RemindAfterHours = 8, TimeLimitHours = 16,
                },
                new Approvals.ApprovalStep { CategoryId = access, Order = 2, Name = "Data owner", Approver = Approvals.ApproverKind.Person, PersonId = adminId },
                new Approvals.ApprovalStep
                {
                    CategoryId = laptop, Order = 1, Name = "Manager's manager", Approver = Approvals.ApproverKind.ManagersManager,
                    Condition = new Approvals.ApprovalCondition { AmountFieldId = cost, AmountAbove = 1500 }.ToJson(), LinkWithoutSignIn = true,
                },
                new Approvals.ApprovalStep
                {
                    CatalogItemId = onboarding, Order = 1, Name = "HR head", Approver = Approvals.ApproverKind.DepartmentHead, RemindAfterHours = 4,
                    TimeLimitHours = 8, OnTimeout = Approvals.ApprovalTimeout.Approve, LinkWithoutSignIn = true,
                });
            // A configuration edit: filing reads the steps from a cache that follows the configuration version.
            await configuration.SaveEditAsync(db, ct);
        }

        var erin = (await actors.LoadAsync(erinId, ct))!;
        var victor = (await actors.LoadAsync(victorId, ct))!;
        var sam = (await actors.LoadAsync(samId, ct))!;
        var ada = (await actors.LoadAsync(adminId, ct))!;
        Handling.NewTicketInput Access(string title, string what) =>
            new(it, access, title, $"{title}, for the quarter's work.", new Dictionary<int, string?> { [system] = what }, []);
        Handling.NewTicketInput Laptop(string title, string which, int price) =>
            new(it, laptop, title, "My laptop is five years old and slow.", new Dictionary<int, string?> { [model] = which, [cost] = price.ToString(System.Globalization.CultureInfo.InvariantCulture) }, []);

        // Waiting for Sam (Erin's manager); waiting for Ada (the data owner) after Sam's yes; rejected by Sam; a laptop
        // waiting for Ada (Erin's manager's manager), and one approved; Victor's access waiting for his manager.
        await filing.CreateAsync(erin, Access("Read access to the finance share", "File share"), ct);
        var second = await filing.CreateAsync(erin, Access("CRM access for the partner project", "CRM"), ct);
        await DecideFirstAsync(sam, second.Id, true, null, ct);
        var rejected = await filing.CreateAsync(erin, Access("ERP admin role", "ERP"), ct);
        await DecideFirstAsync(sam, rejected.Id, false, "Admin roles go to the ERP team only; ask for the planner role instead.", ct);
        await filing.CreateAsync(erin, Laptop("Faster laptop for data work", "Performance 16-inch", 2100), ct);
        var approved = await filing.CreateAsync(erin, Laptop("Laptop for the new designer", "MacBook Pro", 1900), ct);
        await DecideFirstAsync(ada, approved.Id, true, "Designers need it.", ct);
        await filing.CreateAsync(victor, Access("VPN access for travel", "VPN"), ct);
        return 6;
    }

    /// <summary>The knowledge base, written by each department's agent; a few are due for review, some were read and rated, three answered a request.</summary>
    private async Task AddArticlesAsync(IReadOnlyDictionary<string, string> writers, string readerId, CancellationToken ct)
    {
        Dictionary<string, int> departments;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            departments = await db.Departments.ToDictionaryAsync(d => d.Code, d => d.Id, ct);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var ids = new List<int>();
        for (var i = 0; i < DemoArticles.All.Count; i++)
        {
            var a = DemoArticles.All[i];
            var writer = (await actors.LoadAsync(writers[a.Department], ct))!;
            ids.Add(await knowledge.SaveAsync(writer, new Knowledge.ArticleInput(null, departments[a.Department], a.Title, a.Summary, a.Body, a.Tags,
                Knowledge.ArticleState.Published, a.StaffOnly ? Knowledge.ArticleVisibility.Staff : Knowledge.ArticleVisibility.Everyone,
                ReviewBy: i % 11 == 3 ? today.AddDays(-3) : today.AddDays(90 + i)), ct));
        }

        await knowledge.SaveAsync((await actors.LoadAsync(writers["IT"], ct))!, new Knowledge.ArticleInput(null, departments["IT"], "Using the new docking stations",
            "Draft: the USB-C docks arriving in January.", "Plug the single cable in; the dock charges the laptop and drives two screens.", "dock, usb-c, screens",
            Knowledge.ArticleState.Draft, Knowledge.ArticleVisibility.Everyone), ct);
        var reader = (await actors.LoadAsync(readerId, ct))!;
        foreach (var id in ids.Take(6))
        {
            await knowledge.SignalAsync(reader, id, Knowledge.ArticleSignalKind.View, ct: ct);
            await knowledge.SignalAsync(reader, id, id % 3 == 0 ? Knowledge.ArticleSignalKind.NotHelpful : Knowledge.ArticleSignalKind.Helpful,
                id % 3 == 0 ? "The steps did not match what I saw." : null, ct: ct);
        }

        // Some read more than once, and three answered what the reader was about to file.
        var everyones = ids.Where((_, n) => !DemoArticles.All[n].StaffOnly).ToList();
        foreach (var (id, n) in everyones.Skip(6).Take(8).Select((id, n) => (id, n)))
            for (var v = 0; v <= n % 4; v++)
                await knowledge.SignalAsync(reader, id, Knowledge.ArticleSignalKind.View, ct: ct);
        foreach (var id in everyones.Where((_, n) => n % 9 == 1).Take(3))
            await knowledge.SignalAsync(reader, id, Knowledge.ArticleSignalKind.Deflected, ct: ct);
    }

    /// <summary>Canned responses of each department (kept by the admin) and one personal one of each agent.</summary>
    private async Task AddResponsesAsync(IReadOnlyDictionary<string, string> agents, string adminId, CancellationToken ct)
    {
        Dictionary<string, int> departments;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            departments = await db.Departments.ToDictionaryAsync(d => d.Code, d => d.Id, ct);
        var admin = (await actors.LoadAsync(adminId, ct))!;
        (string Code, string Name, string Body)[] shared =
        [
            ("IT", "We are on it", "Hi {requester.firstName},\n\nthanks for telling us. {ticket.key} is with IT now and we aim to have it fixed by {sla.resolutionDue}.\n\n{agent.name}, IT"),
            ("IT", "Please restart first", "Hi {requester.firstName},\n\ncould you restart your laptop and tell us whether it still happens? Most problems go with a restart.\n\n{agent.firstName}"),
            ("IT", "Solved, closing", "Hi {requester.firstName},\n\nthis is fixed now, so we are closing {ticket.key}. Answer this message if it comes back.\n\n{agent.firstName}"),
            ("HR", "Payslip checked", "Dear {requester.firstName},\n\nwe checked your payslip with payroll. Any correction comes with the next salary.\n\nKind regards,\n{agent.name}, HR"),
            ("HR", "Form needed", "Dear {requester.firstName},\n\nto go on with {ticket.key} we need the signed form from Workday > Documents. Please attach it here.\n\n{agent.name}, HR"),
            ("FAC", "Engineer booked", "Hi {requester.firstName},\n\nan engineer is booked for {ticket.title}; expect them before {sla.resolutionDue}.\n\n{agent.firstName}, Facilities"),
            ("FAC", "Fixed", "Hi {requester.firstName},\n\nit is repaired. Tell us if anything is still wrong.\n\n{agent.firstName}, Facilities"),
        ];
        foreach (var (code, name, body) in shared)
            await responses.SaveAsync(admin, new Responses.ResponseInput(null, departments[code], Responses.ResponseScope.Department, null, name, body), ct);
        // Macros: the text and the ticket's changes in one step.
        await responses.SaveAsync(admin, new Responses.ResponseInput(null, departments["IT"], Responses.ResponseScope.Department, null, "Take it and ask for the asset tag",
            "Hi {requester.firstName},\n\nI am looking into {ticket.key}. Could you send the asset tag from the sticker under the laptop?\n\n{agent.firstName}",
            Changes: new Handling.MacroChanges(TicketStatus.PendingRequester, AssignToMe: true, AddTags: ["asset-tag-asked"])), ct);
        await responses.SaveAsync(admin, new Responses.ResponseInput(null, departments["IT"], Responses.ResponseScope.Department, null, "Resolve: fixed",
            "Hi {requester.firstName},\n\nthis is fixed, so {ticket.key} is resolved. Answer within a week if it comes back and it reopens.\n\n{agent.firstName}",
            Changes: new Handling.MacroChanges(TicketStatus.Resolved)), ct);
        await responses.SaveAsync(admin, new Responses.ResponseInput(null, departments["HR"], Responses.ResponseScope.Department, null, "Escalate to payroll",
            "Payroll to check the figures; the employee was told to expect an answer within two days.",
            Changes: new Handling.MacroChanges(Priority: TicketPriority.High, AddTags: ["payroll-check"]), AsNote: true), ct);
        await responses.SaveAsync(admin, new Responses.ResponseInput(null, departments["FAC"], Responses.ResponseScope.Department, null, "Urgent repair",
            "Hi {requester.firstName},\n\nwe treat this as urgent; an engineer is on the way.\n\n{agent.firstName}, Facilities",
            Changes: new Handling.MacroChanges(TicketStatus.InProgress, TicketPriority.High, AssignToMe: true)), ct);
        foreach (var (code, agentId) in agents)
        {
            var agent = (await actors.LoadAsync(agentId, ct))!;
            await responses.SaveAsync(agent, new Responses.ResponseInput(null, departments[code], Responses.ResponseScope.Personal, null, "My sign-off",
                "Have a good day,\n{agent.name}"), ct);
        }
    }

    private async Task DecideFirstAsync(Security.Actor approver, int ticketId, bool approve, string? reason, CancellationToken ct)
    {
        var pending = (await approvals.MineAsync(approver, ct)).First(p => p.TicketId == ticketId);
        await approvals.DecideAsync(approver, pending.ApprovalId, approve, reason, ct);
    }

    private async Task<int> AddMailAsync(CancellationToken ct)
    {
        static byte[] Message(string from, string to, string subject, string text, string? html = null)
        {
            var message = new MimeKit.MimeMessage();
            message.From.Add(MimeKit.MailboxAddress.Parse(from));
            message.To.Add(MimeKit.MailboxAddress.Parse(to));
            message.Subject = subject;
            message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("mail." + Domain);
            message.Body = new MimeKit.BodyBuilder { TextBody = text.Length == 0 ? null : text, HtmlBody = html }.ToMessageBody();
            using var stream = new MemoryStream();
            message.WriteTo(stream);
            return stream.ToArray();
        }

        var filed = 0;
        var outlook = await mail.IngestAsync(Message(Accounts[5].Email, $"it@{Domain}", "Outlook keeps asking for my password",
            "Hi IT,\n\nsince this morning Outlook asks for my password every few minutes. Typing it in does not help.\n\nThanks,\nErin"), ct: ct);
        if (outlook.TicketKey is { } key)
        {
            filed++;
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var mailKey = await db.Tickets.Where(t => t.Key == key).Select(t => t.MailKey).FirstAsync(ct);
            await mail.IngestAsync(Message(Accounts[2].Email, $"it+{mailKey}@{Domain}", $"Re: [{key}] Outlook keeps asking for my password",
                "Hello Erin,\n\nplease sign out of Office (File > Account > Sign out), close Outlook and sign in again. Does that help?\n\nIvan\n\n" +
                $"On Thu, 3 Dec 2026 at 09:12, Erin Employee <{Accounts[5].Email}> wrote:\n> since this morning Outlook asks for my password"), ct: ct);
            await mail.IngestAsync(Message(Accounts[5].Email, $"it+{mailKey}@{Domain}", $"Re: [{key}] Outlook keeps asking for my password",
                "That worked, thank you!\n\nSent from my iPhone\n\n> On 3 Dec 2026, at 09:40, Ivan Agent wrote:\n> please sign out of Office"), ct: ct);
        }

        var leave = await mail.IngestAsync(Message(Accounts[6].Email, $"hr@{Domain}", "Parental leave from March", "",
            "<p>Dear HR,</p><p>I would like to take <b>parental leave</b> from 1 March for four months.</p><p>Which form do I need?</p><p>Victor</p>"), ct: ct);
        filed += leave.TicketKey is null ? 0 : 1;
        await mail.IngestAsync(Message("sales@vendor.example", $"facilities@{Domain}", "Office chairs: 40% off", "Our best offer for your office."), ct: ct);
        return filed;
    }

    private static readonly (string Code, string Title, string Complainant, Complaints.ComplaintChannel Channel, Complaints.ComplaintSubject About,
        string Detail, Complaints.ComplaintSeverity Severity, bool Regulatory, Complaints.ComplaintOutcome? Outcome)[] DemoComplaints =
    [
        ("HR", "Payslip error not corrected for three months", "Marta Olsen", Complaints.ComplaintChannel.Email, Complaints.ComplaintSubject.Service,
            "Payroll", Complaints.ComplaintSeverity.High, true, Complaints.ComplaintOutcome.PartlyUpheld),
        ("IT", "Rude answer from the service desk on the phone", "Jonas Berg", Complaints.ComplaintChannel.Phone, Complaints.ComplaintSubject.Person,
            "Service Desk", Complaints.ComplaintSeverity.Medium, false, Complaints.ComplaintOutcome.Upheld),
        ("IT", "Replacement laptop promised but never delivered", "Tom Becker", Complaints.ComplaintChannel.Portal, Complaints.ComplaintSubject.Product,
            "Laptop refresh", Complaints.ComplaintSeverity.Medium, false, Complaints.ComplaintOutcome.NotUpheld),
        ("FAC", "Accessible entrance door broken for two weeks", "Priya Nair", Complaints.ComplaintChannel.InPerson, Complaints.ComplaintSubject.Service,
            "Building B entrance", Complaints.ComplaintSeverity.Critical, true, null),
        ("HR", "Leave request ignored before the holidays", "Lena Vogel", Complaints.ComplaintChannel.Letter, Complaints.ComplaintSubject.Service,
            "Leave approvals", Complaints.ComplaintSeverity.Low, false, null),
    ];

    /// <summary>A few formal complaints (closed ones with their outcome, open ones still running) among the generated tickets.</summary>
    private static async Task AddComplaintsAsync(DeskDbContext db, Dictionary<string, Department> departments, List<Ticket> created, int typeId,
        CancellationToken ct)
    {
        var used = new HashSet<int>();
        foreach (var c in DemoComplaints)
        {
            var department = departments[c.Code];
            var category = await db.Categories.FirstOrDefaultAsync(x => x.DepartmentId == department.Id && x.Purpose == CategoryPurpose.Complaints, ct);
            if (category is null)
            {
                category = new Category
                {
                    DepartmentId = department.Id, Name = Complaints.ComplaintService.CategoryName, Purpose = CategoryPurpose.Complaints,
                    Description = "Formal complaints, logged through the complaint form.",
                };
                db.Categories.Add(category);
                await db.SaveChangesAsync(ct);
            }

            var closed = c.Outcome is not null;
            var ticket = created.Where(t => t.DepartmentId == department.Id && !used.Contains(t.Id) && t.AssigneeId != null
                    && (t.Status is TicketStatus.Resolved or TicketStatus.Closed) == closed)
                .OrderBy(t => t.Status == TicketStatus.Closed).ThenByDescending(t => t.CreatedAt).First(); // resolved ones keep their SLA result
            used.Add(ticket.Id);
            ticket.Title = c.Title;
            ticket.Description = $"{c.Title}. Logged on behalf of {c.Complainant}.";
            ticket.TypeId = typeId;
            ticket.CategoryId = category.Id;
            db.TicketFieldValues.RemoveRange(db.TicketFieldValues.Where(v => v.TicketId == ticket.Id));
            db.Complaints.Add(new Complaints.Complaint
            {
                TicketId = ticket.Id, Complainant = c.Complainant, Channel = c.Channel, About = c.About, AboutDetail = c.Detail, Severity = c.Severity,
                Regulatory = c.Regulatory, ReceivedAt = ticket.CreatedAt.AddHours(-3), Outcome = c.Outcome, Version = 1,
                RootCause = closed ? "A manual step was missed when the usual handler was away." : null,
                Redress = closed ? "Apology sent; the error was corrected the same week." : null,
                LessonsLearned = closed ? "The step now has a named deputy and a checklist." : null,
            });
        }

        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Laptops for every requester (Erin's and Victor's first), printers, meeting rooms and facilities machines; the first
    /// laptop and printer tickets are linked to them, one printer fails often, and the printers get a quarterly service.
    /// </summary>
    private static async Task AddAssetsAsync(DeskDbContext db, Dictionary<string, Department> departments, List<DeskUser> people,
        List<Ticket> tickets, DeskUser admin, Random rng, DateTime now, CancellationToken ct)
    {
        var types = await db.AssetTypes.Include(t => t.Fields).ToDictionaryAsync(t => t.Name, ct);
        var ram = new Assets.AssetField { Label = "Memory (GB)", Kind = FieldKind.Choice, Options = "8\n16\n32", SortOrder = 0 };
        var encrypted = new Assets.AssetField { Label = "Disk encrypted", Kind = FieldKind.YesNo, Required = true, SortOrder = 1 };
        types["Laptop"].Fields.AddRange([ram, encrypted]);
        types["Printer"].Fields.Add(new Assets.AssetField { Label = "Colour", Kind = FieldKind.YesNo, SortOrder = 0 });
        await db.SaveChangesAsync(ct);
        var assets = new List<Assets.Asset>();
        Assets.Asset Add(string tag, string name, string type, string dept, string make, string model, string site, string building, string floor,
            string room, DeskUser? owner, Assets.AssetStatus status, int ageDays, int warrantyDays)
        {
            var bought = DateOnly.FromDateTime(now.AddDays(-ageDays));
            var a = new Assets.Asset
            {
                Tag = tag, TagKey = tag.ToUpperInvariant(), Name = name, TypeId = types[type].Id, DepartmentId = departments[dept].Id, Make = make,
                Model = model, Serial = make.Length < 2 ? "" : $"{make[..2].ToUpperInvariant()}{rng.Next(100000, 999999)}", Site = site, Building = building, Floor = floor,
                Room = room, AssignedToId = owner?.Id, Status = status, PurchaseDate = bought, WarrantyEnd = bought.AddDays(warrantyDays),
                CreatedAt = now.AddDays(-ageDays), UpdatedAt = now.AddDays(-ageDays), Version = 1,
            };
            a.SearchText = Assets.AssetRules.SearchText(a);
            if (type == "Laptop")
            {
                a.FieldValues.Add(new Assets.AssetFieldValue { FieldId = ram.Id, Value = rng.Next(3) == 0 ? "32" : "16" });
                a.FieldValues.Add(new Assets.AssetFieldValue { FieldId = encrypted.Id, Value = "Yes" });
            }

            assets.Add(a);
            return a;
        }

        for (var i = 0; i < people.Count; i++)
        {
            var (make, model) = i % 3 == 0 ? ("Lenovo", "ThinkPad T14") : i % 3 == 1 ? ("Dell", "Latitude 7440") : ("Apple", "MacBook Air 13");
            Add($"LT-{1001 + i}", $"{make} {model}", "Laptop", "IT", make, model, "London", "Tower A", $"{2 + i % 4}", "", people[i],
                i == 3 ? Assets.AssetStatus.InRepair : Assets.AssetStatus.InUse, 200 + rng.Next(900), 3 * 365);
        }

        for (var i = 0; i < 6; i++)
            Add($"LT-S{101 + i}", "Spare laptop", "Laptop", "IT", "Dell", "Latitude 7440", "London", "Tower A", "B1", "Store", null, Assets.AssetStatus.InStock, 100, 3 * 365);
        var printers = Enumerable.Range(0, 5).Select(i => Add($"PR-{201 + i}", $"Printer floor {2 + i}", "Printer", "IT", "HP", "LaserJet M507",
            i < 3 ? "London" : "Leeds", i < 3 ? "Tower A" : "Mill House", $"{2 + i}", "Copy room", null, Assets.AssetStatus.InUse, 1000 + 30 * i, 1095 + 20 * i)).ToList();
        foreach (var (room, floor) in new[] { ("Thames", "3"), ("Severn", "3"), ("Avon", "4"), ("Board room", "6") })
            Add($"RM-{room[..3].ToUpperInvariant()}", $"Meeting room {room}", "Room", "FAC", "", "", "London", "Tower A", floor, room, null, Assets.AssetStatus.InUse, 2000, 0);
        Add("MC-301", "Coffee machine kitchen 2", "Machine", "FAC", "Jura", "GIGA X8", "London", "Tower A", "2", "Kitchen 2", null, Assets.AssetStatus.InUse, 400, 730);
        Add("MC-302", "Air handling unit roof", "Machine", "FAC", "Daikin", "AHU-D5", "London", "Tower A", "Roof", "", null, Assets.AssetStatus.InUse, 2500, 3650);
        Add("VH-401", "Facilities van", "Vehicle", "FAC", "Ford", "Transit Custom", "Leeds", "Yard", "", "", null, Assets.AssetStatus.InUse, 800, 1095);
        db.Assets.AddRange(assets);
        await db.SaveChangesAsync(ct);
        db.AssetChanges.AddRange(assets.Select(a => new Assets.AssetChange
        {
            AssetId = a.Id, At = a.CreatedAt, ActorId = admin.Id, Subject = "Created", NewValue = Assets.AssetDisplay.Status(a.Status),
        }));

        // Laptop and printer tickets are about an asset: the requester's own laptop, or a printer; PR-203 breaks every few weeks.
        var laptops = assets.Where(a => a.Tag.StartsWith("LT-1", StringComparison.Ordinal)).ToDictionary(a => a.AssignedToId!);
        foreach (var t in tickets.Where(t => t.DepartmentId == departments["IT"].Id))
        {
            var asset = t.Title.Contains("rinter", StringComparison.Ordinal) ? printers[t.Id % 2 == 0 ? 2 : t.Id % printers.Count]
                : t.Title.Contains("laptop", StringComparison.OrdinalIgnoreCase) || t.Title.Contains("PDF", StringComparison.Ordinal)
                    ? laptops.GetValueOrDefault(t.RequesterId)
                    : null;
            if (asset is not null)
                db.TicketAssets.Add(new Assets.TicketAsset { TicketId = t.Id, AssetId = asset.Id, LinkedAt = t.CreatedAt });
        }

        db.MaintenanceSchedules.Add(new Assets.MaintenanceSchedule
        {
            AssetTypeId = types["Printer"].Id, Title = "Quarterly printer service", Every = 3, Unit = Assets.MaintenanceUnit.Months,
            NextDueOn = DateOnly.FromDateTime(now).AddDays(12), CreatedById = admin.Id,
        });
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Critical IT incidents on the around-the-clock policy, one in each SLA state, relative to now.</summary>
    private static List<Ticket> Showcase(Department it, Category category, int typeId, List<DeskUser> requesters, DeskUser agent, DateTime now)
    {
        (string Title, int CreatedMinutesAgo, int? ReplyAfter, TicketStatus Status, int? StatusAfter)[] cases =
        [
            ("Payment terminal offline at reception", 5, null, TicketStatus.New, null),
            ("Trading screens frozen on floor 2", 25, null, TicketStatus.New, null),
            ("Card reader needs new firmware", 60, 10, TicketStatus.PendingRequester, 20),
            ("Core switch down in building B", 180, null, TicketStatus.New, null),
            ("Nightly backup job failed", 2 * 24 * 60, 10, TicketStatus.Resolved, 180),
            ("VPN gateway overloaded", 3 * 24 * 60, 50, TicketStatus.Resolved, 360),
        ];
        var list = new List<Ticket>();
        foreach (var (c, i) in cases.Select((c, i) => (c, i)))
        {
            var at = now.AddMinutes(-c.CreatedMinutesAgo);
            var ticket = new Ticket
            {
                DepartmentId = it.Id, Number = it.NextTicketNumber, Key = $"{it.Code}-{it.NextTicketNumber}", Title = c.Title,
                Description = $"{c.Title}. Many people are affected.", CategoryId = category.Id, TypeId = typeId,
                Priority = TicketPriority.Critical, Status = c.Status, RequesterId = requesters[i % requesters.Count].Id,
                CreatedAt = at, UpdatedAt = at, Version = 1, MailKey = MailKeys.New(),
            };
            it.NextTicketNumber++;
            ticket.FieldValues.AddRange(category.Fields.Where(f => f.Required).Select(f => new TicketFieldValue
            {
                FieldId = f.Id, Value = f.Kind == FieldKind.Choice ? f.OptionList[0] : "Other",
            }));
            ticket.Events.Add(new TicketEvent { At = at, ActorId = ticket.RequesterId, Kind = TicketEventKind.Created, IsPublic = true, Body = ticket.Description, NewValue = c.Title });
            if (c.ReplyAfter is { } reply)
            {
                ticket.AssigneeId = agent.Id;
                ticket.Events.Add(new TicketEvent { At = at.AddMinutes(reply), ActorId = agent.Id, Kind = TicketEventKind.Reply, IsPublic = true, ByAgent = true, Body = "We are on it." });
                ticket.Events.Add(TicketEvent.StatusChange(0, at.AddMinutes(reply), TicketStatus.New, TicketStatus.Open, agent.Id, byAgent: true));
            }

            if (c.StatusAfter is { } after)
            {
                ticket.Events.Add(TicketEvent.StatusChange(0, at.AddMinutes(after), TicketStatus.Open, c.Status, agent.Id, byAgent: true));
                ticket.UpdatedAt = at.AddMinutes(after);
            }

            list.Add(ticket);
        }

        return list;
    }

    /// <summary>The four trigger kinds regulated help desks rely on: priority, account, issue type and status.</summary>
    private static void AddRules(DeskDbContext db, Dictionary<string, Department> departments, Dictionary<string, List<Team>> teams, Team security,
        Team legal, Dictionary<string, TicketType> types, Category systemDown)
    {
        var it = departments["IT"].Id;
        var onCall = teams["IT"].First(t => t.Name == "On-call").Id;
        var senior = teams["IT"].First(t => t.Name == "Senior").Id;
        Routing.AutomationRuleRecord Rule(string name, int order, Routing.RuleTrigger trigger, Routing.RuleConditions c, Routing.RuleActions a) => new()
        {
            Name = name, Order = order, Trigger = trigger, Conditions = Routing.AutomationService.Write(c), Actions = Routing.AutomationService.Write(a),
        };

        db.AutomationRules.AddRange(
            Rule("Critical IT tickets go to on-call", 10, Routing.RuleTrigger.Created,
                new() { Departments = [it], Priorities = [TicketPriority.Critical] }, new() { AssignTeamId = onCall, NotifyTeams = [onCall] }),
            Rule("System down goes to on-call", 11, Routing.RuleTrigger.Created,
                new() { Categories = [systemDown.Id] }, new() { AssignTeamId = onCall, NotifyTeams = [onCall], SetPriority = TicketPriority.Critical }),
            Rule("VIP requests go to a senior specialist", 20, Routing.RuleTrigger.Created,
                new() { Departments = [it], RequesterTags = ["VIP"] }, new() { AssignTeamId = senior, Notify = new() { NotifyAssignee = true } }),
            Rule("Security incidents and compliance complaints bring in Legal and Security", 30, Routing.RuleTrigger.Created,
                new() { Types = [types["Security incident"].Id, types["Compliance complaint"].Id] },
                new() { AddTeamWatchers = [security.Id, legal.Id], NotifyTeams = [security.Id, legal.Id] }),
            Rule("A reply to a resolved IT ticket reopens it with a senior agent", 40, Routing.RuleTrigger.RequesterReplied,
                new() { Departments = [it], StatusFrom = [TicketStatus.Resolved] },
                new() { Reopen = true, AssignTeamId = senior, EscalateToLevel = 1, Notify = new() { NotifyAssignee = true } }));
    }

    private static void AddEscalationPaths(DeskDbContext db, Dictionary<string, Department> departments, Dictionary<string, List<Team>> teams)
    {
        static Sla.EscalationLevelRecord Level(int n, Sla.SlaMetric metric, Sla.EscalationTrigger trigger, Sla.EscalationActions actions,
            decimal? fraction = null, int? offset = null) => new()
        {
            Level = n, Metric = metric, Trigger = trigger, Fraction = fraction, OffsetMinutes = offset, Actions = actions.Write(),
        };

        var senior = teams["IT"].First(t => t.Name == "Senior");
        db.EscalationPaths.Add(new Sla.EscalationPathRecord
        {
            Name = "IT: before and after a breach", DepartmentId = departments["IT"].Id,
            Levels =
            [
                Level(1, Sla.SlaMetric.FirstResponse, Sla.EscalationTrigger.Fraction, new() { NotifyAssignee = true, NotifyTeam = true }, fraction: 0.75m),
                Level(2, Sla.SlaMetric.FirstResponse, Sla.EscalationTrigger.AtBreach, new() { NotifyManager = true, NotifyRole = Security.DeskRole.Supervisor }),
                Level(3, Sla.SlaMetric.Resolution, Sla.EscalationTrigger.AfterBreach, new() { AssignTeamId = senior.Id, NotifyDepartmentHead = true }, offset: 120),
            ],
        });
        foreach (var code in new[] { "HR", "FAC" })
        {
            db.EscalationPaths.Add(new Sla.EscalationPathRecord
            {
                Name = $"{departments[code].Name}: breaches", DepartmentId = departments[code].Id,
                Levels =
                [
                    Level(1, Sla.SlaMetric.Resolution, Sla.EscalationTrigger.BeforeDue, new() { NotifyAssignee = true }, offset: 60),
                    Level(2, Sla.SlaMetric.Resolution, Sla.EscalationTrigger.AtBreach, new() { NotifyDepartmentHead = true, RaisePriority = true }),
                ],
            });
        }
    }

    private static async Task AddSlaPoliciesAsync(DeskDbContext db, Dictionary<string, Department> departments, CancellationToken ct)
    {
        const string Weekdays = "\"Mon\":{0},\"Tue\":{0},\"Wed\":{0},\"Thu\":{0},\"Fri\":{0}";
        static string Week(string segments) => "{" + string.Format(System.Globalization.CultureInfo.InvariantCulture, Weekdays, segments) + "}";
        var always = await db.SlaCalendars.FirstAsync(c => c.Name == "24x7 (UTC)", ct);
        var itWeek = Week("[\"08:00-18:00\"]");
        var hrWeek = Week("[\"09:00-12:30\",\"13:30-17:30\"]");
        var facWeek = Week("[\"07:00-12:00\",\"12:30-16:00\"]");
        var berlin = new Sla.SlaCalendarRecord
        {
            Name = "IT business hours (Berlin)",
            Definition = $$"""{"timeZone":"Europe/Berlin","week":{{itWeek}},"holidays":["01-01","2026-04-03","2026-04-06","05-01","10-03","12-24","12-25","12-26","12-31"]}""",
        };
        var london = new Sla.SlaCalendarRecord
        {
            Name = "HR office (London)",
            Definition = $$"""{"timeZone":"Europe/London","week":{{hrWeek}},"holidays":["01-01","2026-04-03","2026-04-06","2026-05-04","2026-05-25","2026-08-31","12-25","12-26","2026-12-28"]}""",
        };
        var newYork = new Sla.SlaCalendarRecord
        {
            Name = "Facilities site (New York)",
            Definition = $$"""{"timeZone":"America/New_York","week":{{facWeek}},"holidays":["01-01","2026-05-25","07-04","2026-09-07","2026-11-26","12-25"]}""",
        };
        db.SlaCalendars.AddRange(berlin, london, newYork);
        const string Pause = """{"nextResponse":["PendingRequester","OnHold"],"resolution":["PendingRequester","OnHold"]}""";
        db.SlaPolicies.AddRange(
            new Sla.SlaPolicyRecord
            {
                Name = "VIP requesters", Order = 10, Calendar = always, Conditions = Sla.SlaConfiguration.WriteConditions(new Sla.PolicyConditions { RequesterTags = ["VIP"] }),
                Targets = """{"Low":{"firstResponse":"PT2H","resolution":"PT16H"},"Normal":{"firstResponse":"PT1H","nextResponse":"PT2H","resolution":"PT8H"},"High":{"firstResponse":"PT30M","nextResponse":"PT1H","resolution":"PT4H"},"Critical":{"firstResponse":"PT15M","nextResponse":"PT30M","resolution":"PT2H"}}""",
                PauseOn = Pause, WarnAt = "[0.5,0.75,0.9]",
            },
            new Sla.SlaPolicyRecord
            {
                Name = "IT critical, around the clock", Order = 20, Calendar = always,
                Conditions = Sla.SlaConfiguration.WriteConditions(new Sla.PolicyConditions { Departments = [departments["IT"].Id], Priorities = [TicketPriority.Critical] }),
                Targets = """{"Critical":{"firstResponse":"PT30M","nextResponse":"PT1H","resolution":"PT4H"}}""", PauseOn = Pause, WarnAt = "[0.75,0.9]",
            },
            new Sla.SlaPolicyRecord
            {
                Name = "IT business hours", Order = 30, Calendar = berlin,
                Conditions = Sla.SlaConfiguration.WriteConditions(new Sla.PolicyConditions { Departments = [departments["IT"].Id] }),
                Targets = DatabaseSetup.StandardTargets, PauseOn = Pause, WarnAt = "[0.75,0.9]",
            },
            new Sla.SlaPolicyRecord
            {
                Name = "HR office hours", Order = 40, Calendar = london,
                Conditions = Sla.SlaConfiguration.WriteConditions(new Sla.PolicyConditions { Departments = [departments["HR"].Id] }),
                Targets = """{"Low":{"firstResponse":"PT16H","resolution":"PT80H"},"Normal":{"firstResponse":"PT8H","nextResponse":"PT16H","resolution":"PT40H"},"High":{"firstResponse":"PT4H","nextResponse":"PT8H","resolution":"PT16H"},"Critical":{"firstResponse":"PT1H","resolution":"PT8H"}}""",
                PauseOn = Pause, WarnAt = "[0.75,0.9]",
            },
            new Sla.SlaPolicyRecord
            {
                Name = "Facilities site hours", Order = 50, Calendar = newYork,
                Conditions = Sla.SlaConfiguration.WriteConditions(new Sla.PolicyConditions { Departments = [departments["FAC"].Id] }),
                Targets = DatabaseSetup.StandardTargets, PauseOn = Pause, WarnAt = "[0.75,0.9]",
            });
        await db.SaveChangesAsync(ct);
    }

    private static readonly string[] AgentReplies =
    [
        "Thanks for reporting this, I am looking into it now.",
        "I have picked this up and will get back to you shortly.",
        "Could you tell me when this started?",
        "We have seen this before; I am applying the usual fix.",
    ];

    private static string Describe(Random rng) => rng.Next(3) switch
    {
        0 => "It started this morning and is blocking my work.",
        1 => "This has happened a few times this week.",
        _ => "Please help when you can.",
    };

    private static string SampleValue(CustomField field, Random rng, DateTime at) => field.Kind switch
    {
        FieldKind.Number => rng.Next(1, 200).ToString(System.Globalization.CultureInfo.InvariantCulture),
        FieldKind.Date => DateOnly.FromDateTime(at.AddDays(rng.Next(0, 30))).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        FieldKind.Choice => field.OptionList[rng.Next(field.OptionList.Count)],
        FieldKind.YesNo => rng.Next(2) == 0 ? FieldRules.Yes : FieldRules.No,
        _ => field.Label switch
        {
            "Asset tag" => $"LT-{rng.Next(1000, 9999)}",
            "Pay period" => at.ToString("MMMM yyyy", System.Globalization.CultureInfo.InvariantCulture),
            "Location" => $"Building {(char)('A' + rng.Next(3))}, floor {rng.Next(1, 5)}",
            _ => "See description",
        },
    };
}

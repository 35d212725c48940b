using Portal.Components.Shared;
using MudBlazor;
using Portal.Core.Departments;
using Portal.Core.Security;

namespace Portal.Components.Layout;

/// <summary>One entry of the menu: a link, or a section heading when <see cref="Href"/> is null.</summary>
public sealed record NavItem(string? Href, string Text, string Icon = "", bool ExactMatch = false);

/// <summary>The menu as data, so that the app's drawer and the lean layout of long-open pages list the same links.</summary>
public static class NavItems
{
    public static IReadOnlyList<NavItem> For(Actor? actor, IReadOnlyList<DepartmentOption> workDepartments)
    {
        var items = new List<NavItem>
        {
            new("/", "Start", Icons.Material.Filled.Home, ExactMatch: true),
            new(DeskRoutes.Help, "Help centre", Icons.Material.Filled.MenuBook),
            new(DeskRoutes.NewRequest, "New request", Icons.Material.Filled.AddCircleOutline),
            new(DeskRoutes.MyRequests, "My requests", Icons.Material.Filled.Inbox, ExactMatch: true),
            new(DeskRoutes.MyApprovals, "My approvals", Icons.Material.Filled.HowToVote),
            new(DeskRoutes.Catalog, "Service catalog", Icons.Material.Filled.ViewModule),
            new(DeskRoutes.NewComplaint, "Log a complaint", Icons.Material.Filled.Feedback),
        };
        if (workDepartments.Count > 0 || actor?.CanReadAudit == true)
        {
            items.Add(new(DeskRoutes.Dashboards, "Dashboard", Icons.Material.Filled.Insights));
            items.Add(new(DeskRoutes.Reports, "Reports", Icons.Material.Filled.TableChart));
        }

        if (workDepartments.Count > 0)
        {
            items.Add(new(DeskRoutes.Board, "Breach board", Icons.Material.Filled.Warning));
            items.Add(new(DeskRoutes.Assets, "Assets", Icons.Material.Filled.Devices));
            items.Add(new(DeskRoutes.Knowledge, "Knowledge base", Icons.Material.Filled.LibraryBooks));
            items.Add(new(DeskRoutes.Responses, "Canned responses", Icons.Material.Filled.ShortText));
            items.Add(new(null, "Queues"));
            items.AddRange(workDepartments.Select(d => new NavItem(DeskRoutes.Queue(d.Id), d.Name, Icons.Material.Filled.ViewList)));
        }

        if (actor?.IsAdmin == true)
        {
            items.Add(new(null, "Admin"));
            items.Add(new(DeskRoutes.Departments, "Departments", Icons.Material.Filled.Apartment));
            items.Add(new(DeskRoutes.Users, "Users", Icons.Material.Filled.People));
            items.Add(new(DeskRoutes.ServiceAccounts, "Service accounts", Icons.Material.Filled.SmartToy));
            items.Add(new(DeskRoutes.TicketTypes, "Ticket types", Icons.Material.Filled.Label));
            items.Add(new(DeskRoutes.CatalogAdmin, "Catalog items", Icons.Material.Filled.ViewModule));
            items.Add(new(DeskRoutes.AssetTypes, "Asset types", Icons.Material.Filled.Category));
            items.Add(new(DeskRoutes.Sla, "SLA policies", Icons.Material.Filled.Timer));
            items.Add(new(DeskRoutes.EscalationPaths, "Escalations", Icons.Material.Filled.TrendingUp));
            items.Add(new(DeskRoutes.Rules, "Automation rules", Icons.Material.Filled.AutoFixHigh));
            items.Add(new(DeskRoutes.Mail, "Email", Icons.Material.Filled.Email));
            items.Add(new(DeskRoutes.Webhooks, "Webhooks", Icons.Material.Filled.Webhook));
            items.Add(new(DeskRoutes.Outbox, "Outbox", Icons.Material.Filled.Outbox));
        }

        if (actor?.CanReadAudit == true)
        {
            items.Add(new(null, "Compliance"));
            items.Add(new(DeskRoutes.Audit, "Audit trail", Icons.Material.Filled.VerifiedUser));
            items.Add(new(DeskRoutes.Complaints, "Complaint register", Icons.Material.Filled.Gavel));
        }
        else if (actor?.IsStaff == true)
            items.Add(new(DeskRoutes.Complaints, "Complaint register", Icons.Material.Filled.Gavel));

        items.Add(new(null, "You"));
        items.Add(new(DeskRoutes.NotificationSettings, "Notification settings", Icons.Material.Filled.Tune));
        items.Add(new(DeskRoutes.SignInSettings, "Sign-in and security", Icons.Material.Filled.Security));
        items.Add(new(DeskRoutes.ApiTokens, "API tokens", Icons.Material.Filled.Key));
        return items;
    }
}

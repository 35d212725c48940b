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
            new("/requests/new", "New request", Icons.Material.Filled.AddCircleOutline),
            new("/requests", "My requests", Icons.Material.Filled.Inbox, ExactMatch: true),
            new("/catalog", "Service catalog", Icons.Material.Filled.ViewModule),
            new("/complaints/new", "Log a complaint", Icons.Material.Filled.Feedback),
        };
        if (workDepartments.Count > 0 || actor?.CanReadAudit == true)
        {
            items.Add(new("/dashboards", "Dashboard", Icons.Material.Filled.Insights));
            items.Add(new("/reports", "Reports", Icons.Material.Filled.TableChart));
        }

        if (workDepartments.Count > 0)
        {
            items.Add(new("/board", "Breach board", Icons.Material.Filled.Warning));
            items.Add(new("/assets", "Assets", Icons.Material.Filled.Devices));
            items.Add(new(null, "Queues"));
            items.AddRange(workDepartments.Select(d => new NavItem($"/queues/{d.Id}", d.Name, Icons.Material.Filled.ViewList)));
        }

        if (actor?.IsAdmin == true)
        {
            items.Add(new(null, "Admin"));
            items.Add(new("/admin/departments", "Departments", Icons.Material.Filled.Apartment));
            items.Add(new("/admin/users", "Users", Icons.Material.Filled.People));
            items.Add(new("/admin/types", "Ticket types", Icons.Material.Filled.Label));
            items.Add(new("/admin/catalog", "Catalog items", Icons.Material.Filled.ViewModule));
            items.Add(new("/admin/asset-types", "Asset types", Icons.Material.Filled.Category));
            items.Add(new("/admin/sla", "SLA policies", Icons.Material.Filled.Timer));
            items.Add(new("/admin/escalations", "Escalations", Icons.Material.Filled.TrendingUp));
            items.Add(new("/admin/rules", "Automation rules", Icons.Material.Filled.AutoFixHigh));
            items.Add(new("/admin/outbox", "Outbox", Icons.Material.Filled.Outbox));
        }

        if (actor?.CanReadAudit == true)
        {
            items.Add(new(null, "Compliance"));
            items.Add(new("/admin/audit", "Audit trail", Icons.Material.Filled.VerifiedUser));
            items.Add(new("/complaints", "Complaint register", Icons.Material.Filled.Gavel));
        }
        else if (actor?.IsStaff == true)
            items.Add(new("/complaints", "Complaint register", Icons.Material.Filled.Gavel));

        return items;
    }
}

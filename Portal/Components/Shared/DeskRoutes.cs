namespace Portal.Components.Shared;

/// <summary>
/// Every page's address, in one place: the route templates the pages declare (<c>@attribute [Route(DeskRoutes.X)]</c>) and
/// the links to them, so a moved page is moved here once and no link is left pointing at the old address.
/// </summary>
public static class DeskRoutes
{
    public const string Home = "/";
    public const string AccessDenied = "/account/denied";
    public const string SignIn = "/account/login";
    public const string TwoFactor = "/account/two-step";
    public const string TwoFactorVerify = "/account/two-step/verify";
    public const string SignInSettings = "/settings/sign-in";
    public const string ApiTokens = "/settings/api-tokens";
    public const string AssetTypes = "/admin/asset-types";
    public const string Audit = "/admin/audit";
    public const string CatalogAdmin = "/admin/catalog";
    public const string NewCatalogItem = "/admin/catalog/new";
    public const string CatalogItemTemplate = "/admin/catalog/{Id:int}";
    public static string CatalogItem(int id) => $"/admin/catalog/{id}";
    public const string Departments = "/admin/departments";
    public const string DepartmentTemplate = "/admin/departments/{Id:int}";
    public static string Department(int id) => $"/admin/departments/{id}";
    public const string EscalationPaths = "/admin/escalations";
    public const string NewEscalationPath = "/admin/escalations/new";
    public const string EscalationPathTemplate = "/admin/escalations/{Id:int}";
    public static string EscalationPath(int id) => $"/admin/escalations/{id}";
    public const string Outbox = "/admin/outbox";
    public const string Webhooks = "/admin/webhooks";
    public const string WebhookTemplate = "/admin/webhooks/{Id:int}";
    public static string Webhook(int id) => $"/admin/webhooks/{id}";
    public const string Mail = "/admin/email";
    public const string Rules = "/admin/rules";
    public const string NewRule = "/admin/rules/new";
    public const string RuleTemplate = "/admin/rules/{Id:int}";
    public static string Rule(int id) => $"/admin/rules/{id}";
    public const string Sla = "/admin/sla";
    public const string NewCalendar = "/admin/sla/calendars/new";
    public const string CalendarTemplate = "/admin/sla/calendars/{Id:int}";
    public static string Calendar(int id) => $"/admin/sla/calendars/{id}";
    public const string NewPolicy = "/admin/sla/policies/new";
    public const string PolicyTemplate = "/admin/sla/policies/{Id:int}";
    public static string Policy(int id) => $"/admin/sla/policies/{id}";
    public const string TicketTypes = "/admin/types";
    public const string Users = "/admin/users";
    public const string NewUser = "/admin/users/new";
    public const string ServiceAccounts = "/admin/service-accounts";
    public const string NewServiceAccount = "/admin/users/new?kind=service";
    public const string UserTemplate = "/admin/users/{Id}";
    public static string User(string id) => $"/admin/users/{Uri.EscapeDataString(id)}";
    public const string Assets = "/assets";
    public const string AssetImport = "/assets/import";
    public const string Locations = "/assets/locations";
    public const string NewAsset = "/assets/new";
    public const string AssetTemplate = "/assets/{Id:int}";
    public static string Asset(int id) => $"/assets/{id}";
    public const string AssetLabelTemplate = "/assets/{Id:int}/label";
    public static string AssetLabel(int id) => $"/assets/{id}/label";
    public const string TicketAuditTemplate = "/audit/tickets/{TicketId:int}";
    public static string TicketAudit(int id) => $"/audit/tickets/{id}";
    public const string Board = "/board";
    public const string Catalog = "/catalog";
    public const string CatalogRequestTemplate = "/catalog/{Id:int}";
    public static string CatalogRequest(int id) => $"/catalog/{id}";
    public const string Complaints = "/complaints";
    public const string NewComplaint = "/complaints/new";
    public const string Dashboards = "/dashboards";
    public const string DashboardTemplate = "/dashboards/{Id:int}";
    public static string Dashboard(int id) => $"/dashboards/{id}";
    public const string NotFound = "/not-found";
    public const string Notifications = "/notifications";
    public const string QueueTemplate = "/queues/{DepartmentId:int}";
    public static string Queue(int id) => $"/queues/{id}";
    public const string Reports = "/reports";
    public const string ApprovalsReport = "/reports/approvals";
    public const string MyRequests = "/requests";
    public const string MyApprovals = "/approvals";
    public const string NewRequest = "/requests/new";
    public const string RequestTemplate = "/requests/{Id:int}";
    public static string Request(int id) => $"/requests/{id}";
    public const string NotificationSettings = "/settings/notifications";
    public const string TicketTemplate = "/tickets/{Id:int}";
    public static string Ticket(int id) => $"/tickets/{id}";
}

using System.Text.Json.Serialization;
using Portal.Core.Assets;
using Portal.Core.Common;
using Portal.Core.Departments;
using Portal.Core.Reporting;
using Portal.Core.Users;

namespace Portal.Api;

public sealed record ApiDepartment(int Id, string Code, string Name, IReadOnlyList<ApiCategory> Categories);

public sealed record ApiCategory(int Id, string Name, string Description, IReadOnlyList<ApiFieldDefinition> Fields);

public sealed record ApiFieldDefinition(int Id, string Label, FieldKind Kind, bool Required, IReadOnlyList<string> Options);

public sealed record ApiUser(string Id, string Name, string Email);

/// <summary>
/// The versioned API at <c>/api/v1</c>: an API token only (a page's sign-in cookie is not taken, so another site cannot
/// call it with a visitor's cookie), rate limited per token, every error a problem-details body naming the field.
/// </summary>
public static class ApiV1
{
    public const string Prefix = "/api/v1";

    /// <summary>The largest JSON body the API reads.</summary>
    public const long JsonBytes = 1024 * 1024;

    /// <summary>The largest upload: a full set of files of the largest size, and room for the form around them.</summary>
    public static readonly long UploadBytes = Core.Tickets.TicketLimits.AttachmentsPerUpload * Core.Tickets.TicketLimits.AttachmentMaxBytes + 64 * 1024;

    private static readonly Dictionary<Type, string> Examples = new()
    {
        [typeof(ApiNewTicket)] = """
            {"departmentId":1,"categoryId":6,"title":"Printers on floor 3 offline","description":"Monitoring: 4 printers unreachable since 09:02",
             "priority":"High","requesterEmail":"erin.employee@acme.example","fields":{"16":"Printers","17":"40"}}
            """,
        [typeof(ApiTicketPatch)] = """{"status":"InProgress","priority":"Critical","assigneeId":"me"}""",
        [typeof(ApiReply)] = """{"body":"The print server was restarted at 09:10; please try again."}""",
        [typeof(ApiWatcher)] = """{"email":"sam.supervisor@acme.example"}""",
        [typeof(ApiLink)] = """{"otherKey":"IT-1038","kind":"Related"}""",
        // Every error is a problem; a 400 names each field it refuses in errors (field: message).
        [typeof(Microsoft.AspNetCore.Mvc.ProblemDetails)] = """
            {"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"The input was not accepted.","status":400,
             "detail":"title: Title is required.","errors":{"title":"Title is required."}}
            """,
    };

    public static void AddApiV1(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        // Event webhooks: the outbox's Event channel, with a client that answers for itself (no redirects followed).
        services.AddHttpClient(EventWebhookChannel.ClientName, c => c.Timeout = EventWebhookChannel.Timeout)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });
        services.AddSingleton<Core.Notifications.INotificationChannel, EventWebhookChannel>();
        services.AddOpenApi("v1", o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new();
            document.Components.SecuritySchemes = new Dictionary<string, Microsoft.OpenApi.IOpenApiSecurityScheme>
            {
                ["Bearer"] = new Microsoft.OpenApi.OpenApiSecurityScheme
                {
                    Type = Microsoft.OpenApi.SecuritySchemeType.Http, Scheme = "bearer", Description = "An API token: idk_...",
                },
            };
            document.Security = [new Microsoft.OpenApi.OpenApiSecurityRequirement { [new Microsoft.OpenApi.OpenApiSecuritySchemeReference("Bearer", document)] = [] }];
            document.Info = new() { Title = "InternalDesk API", Version = "v1",
                Description = "Tickets, assets, departments and reports over the same rules as the pages. Authorization: Bearer <token> "
                    + "(Account → API tokens). Errors are problem details (RFC 9457) whose errors name the field." };
            return Task.CompletedTask;
        }).AddSchemaTransformer((schema, context, _) =>
        {
            // Examples a reader can paste: the bodies of the common calls, and an error as every endpoint gives it.
            if (Examples.TryGetValue(context.JsonTypeInfo.Type, out var example))
                schema.Examples = [System.Text.Json.Nodes.JsonNode.Parse(example)!];
            return Task.CompletedTask;
        }).ShouldInclude = d => d.RelativePath is { } path && (path.StartsWith("api/", StringComparison.Ordinal) || path.Contains("export", StringComparison.Ordinal)));
    }

    public static void MapApiV1(this WebApplication app)
    {
        // Request size, before anything reads the body: a JSON body is small; an upload may carry as many files of the
        // largest size as one upload takes. A declared length over the limit is refused at once; a chunked body stops there.
        app.UseWhen(http => http.Request.Path.StartsWithSegments(Prefix), branch => branch.Use(async (http, next) =>
        {
            var limit = http.Request.HasFormContentType ? UploadBytes : JsonBytes;
            if (http.Request.ContentLength > limit)
            {
                await ApiProblems.WriteAsync(http, StatusCodes.Status413PayloadTooLarge, "The request is too large.",
                    $"At most {limit / 1024:N0} KB {(http.Request.HasFormContentType ? "for an upload" : "for a JSON body")}.");
                return;
            }

            if (http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
                size.MaxRequestBodySize = limit;
            await next(http);
        }));
        var api = app.MapGroup(Prefix).RequireAuthorization(ApiTokenHandler.SchemeName).RequireRateLimiting(ApiAccess.RatePolicy)
            .DisableAntiforgery()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        api.MapTicketApi();
        api.MapApprovalApi();
        api.MapArticleApi();

        api.MapGet("/departments", async (HttpContext http, DepartmentDirectory directory) =>
        {
            var actor = await ApiAccess.CallerAsync(http, ApiScopes.TicketsRead);
            var result = new List<ApiDepartment>();
            foreach (var d in await directory.ListDepartmentsAsync(http.RequestAborted))
            {
                var categories = new List<ApiCategory>();
                foreach (var c in await directory.ListCategoriesAsync(d.Id, http.RequestAborted))
                    categories.Add(new ApiCategory(c.Id, c.Name, c.Description, (await directory.ListFieldsAsync(actor, c.Id, http.RequestAborted))
                        .Select(f => new ApiFieldDefinition(f.Id, f.Label, f.Kind, f.Required, f.Options)).ToList()));
                result.Add(new ApiDepartment(d.Id, d.Code, d.Name, categories));
            }

            return Results.Ok(result);
        }).WithTags("Departments").WithSummary("Departments with their categories and each category's fields").Produces<List<ApiDepartment>>();

        api.MapGet("/users", async (HttpContext http, string? email, Core.Handling.TicketQueries queries) =>
        {
            var actor = await ApiAccess.CallerAsync(http, ApiScopes.TicketsRead);
            Core.Security.Access.RequireStaff(actor, "Only staff look people up.");
            if (string.IsNullOrWhiteSpace(email))
                throw new DeskValidationException("email", "email: the person's email address.");
            var person = await queries.PersonByEmailAsync(email, http.RequestAborted)
                ?? throw new DeskNotFoundException($"No active person has the email {email.Trim()}.");
            return Results.Ok(new ApiUser(person.Id, person.Name, email.Trim().ToLowerInvariant()));
        }).WithTags("Users").WithSummary("Find an active person by email (staff only)").Produces<ApiUser>();

        api.MapGet("/sla-policies", async (HttpContext http, Core.Sla.SlaAdminService sla) =>
        {
            var actor = await ApiAccess.CallerAsync(http, ApiScopes.Admin);
            var (calendars, policies) = await sla.ListAsync(actor, http.RequestAborted);
            return Results.Ok(new { calendars, policies });
        }).WithTags("SLA").WithSummary("SLA calendars and policies, read only (admins)");

        api.MapGet("/reports", async (HttpContext http, ReportService reports) =>
        {
            var actor = await ApiAccess.CallerAsync(http, ApiScopes.ReportsRead);
            var request = ReportRequest.Parse(name => http.Request.Query.TryGetValue(name, out var v) ? v.ToString() : null);
            var result = await reports.RunAsync(actor, request, http.RequestAborted);
            return Results.Ok(new
            {
                measure = result.Table.Measure.ToString(), from = result.From, to = result.To,
                columns = result.Table.Columns, rows = result.Table.Rows.Select(r => new { r.Key, name = result.NameOf(r.Key), r.Cells }),
                total = result.Table.Total,
            });
        }).WithTags("Reports").WithSummary("A report as the Reports page serves it (the same query string as the page's address)");

        var assets = api.MapGroup("/assets").WithTags("Assets");
        assets.MapGet("", async (HttpContext http, AssetService service, string? text, int? typeId, AssetStatus? status, int? departmentId, int? page,
            int? pageSize) =>
        {
            var actor = await ApiAccess.CallerAsync(http, ApiScopes.AssetsRead);
            return Results.Ok(await service.QueryAsync(actor, new AssetQuery(text, typeId, status, departmentId, Page: page ?? 1, PageSize: pageSize ?? 25),
                http.RequestAborted));
        }).WithSummary("List asset records");
        assets.MapGet("/{id:int}", async (HttpContext http, int id, AssetService service) =>
        {
            var actor = await ApiAccess.CallerAsync(http, ApiScopes.AssetsRead);
            var asset = await service.GetAsync(actor, id, http.RequestAborted);
            http.Response.Headers.ETag = TicketApi.ETag(asset.Version);
            return Results.Ok(asset);
        }).WithSummary("Read one asset record").Produces<AssetDetails>();
        assets.MapPost("", async (HttpContext http, AssetInput input, AssetService service) =>
        {
            var actor = await ApiAccess.CallerAsync(http, ApiScopes.AssetsWrite);
            var id = await service.CreateAsync(actor, input, http.RequestAborted);
            return Results.Created($"{Prefix}/assets/{id}", await service.GetAsync(actor, id, http.RequestAborted));
        }).WithSummary("Create an asset record").Produces<AssetDetails>(StatusCodes.Status201Created);
        assets.MapPut("/{id:int}", async (HttpContext http, int id, AssetInput input, AssetService service) =>
        {
            var actor = await ApiAccess.CallerAsync(http, ApiScopes.AssetsWrite);
            if (!int.TryParse(http.Request.Headers.IfMatch.ToString().Trim('"'), out var expected))
                return ApiProblems.Result(StatusCodes.Status428PreconditionRequired, "If-Match is required.", "Send the asset's ETag in If-Match.");
            try
            {
                await service.UpdateAsync(actor, id, expected, input, http.RequestAborted);
            }
            catch (DeskConflictException ex)
            {
                return ApiProblems.Result(StatusCodes.Status412PreconditionFailed, "Someone else changed this asset first.", ex.Message);
            }

            var asset = await service.GetAsync(actor, id, http.RequestAborted);
            http.Response.Headers.ETag = TicketApi.ETag(asset.Version);
            return Results.Ok(asset);
        }).WithSummary("Replace an asset record's values (If-Match required)").Produces<AssetDetails>()
            .ProducesProblem(StatusCodes.Status412PreconditionFailed).ProducesProblem(StatusCodes.Status428PreconditionRequired);
        assets.MapPost("/{id:int}/tickets/{ticket}", async (HttpContext http, int id, string ticket, AssetService service, Core.Handling.TicketQueries queries) =>
        {
            var actor = await ApiAccess.CallerAsync(http, ApiScopes.AssetsWrite);
            await service.LinkAsync(actor, await queries.FindIdAsync(actor, ticket, http.RequestAborted), id, http.RequestAborted);
            return Results.NoContent();
        }).WithSummary("Link the asset to a ticket");
    }
}

using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Portal.Core.Common;

namespace Portal.Api;

/// <summary>
/// Turns the Core's refusals into problem-details answers. Anything else is an unexpected failure: logged as an error
/// with the request and its trace id (the handler reports it handled, so ASP.NET Core itself logs nothing), and answered
/// with a 500 problem-details body that carries the trace id and no detail of the failure.
/// </summary>
internal sealed class DeskExceptionHandler(IProblemDetailsService problems, Core.Audit.AuditService audit, ILogger<DeskExceptionHandler> log)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        if (exception is DeskForbiddenException)
            await RecordRefusalAsync(context, exception);
        var (status, title) = exception switch
        {
            DeskValidationException => (StatusCodes.Status400BadRequest, "The input was not accepted."),
            DeskForbiddenException => (StatusCodes.Status403Forbidden, "You may not do this."),
            DeskNotFoundException => (StatusCodes.Status404NotFound, "Not found."),
            DeskConflictException => (StatusCodes.Status409Conflict, "Someone else changed this first."),
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => (StatusCodes.Status413PayloadTooLarge, "The request is too large."),
            BadHttpRequestException => (StatusCodes.Status400BadRequest, "The request was malformed."),
            Microsoft.AspNetCore.Antiforgery.AntiforgeryValidationException =>
                (StatusCodes.Status400BadRequest, "The form had expired. Go back, reload the page and send it again."),
            _ => (StatusCodes.Status500InternalServerError, "Something went wrong on our side."),
        };
        if (status == StatusCodes.Status500InternalServerError)
            log.LogError(exception, "Unexpected failure answering {Method} {Path} (trace {TraceId})", context.Request.Method, context.Request.Path,
                System.Diagnostics.Activity.Current?.Id ?? context.TraceIdentifier);
        context.Response.StatusCode = status;
        var details = new ProblemDetails
        {
            Status = status,
            Title = title,
            Detail = exception is Core.Common.DeskValidationException or Core.Common.DeskForbiddenException
                or Core.Common.DeskNotFoundException or Core.Common.DeskConflictException ? exception.Message : null,
        };
        if (exception is DeskValidationException validation)
            details.Extensions["errors"] = validation.Errors;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = details, Exception = exception });
    }

    /// <summary>A refused request goes on the audit trail with the address asked for; failing to record it does not hide the 403.</summary>
    private async Task RecordRefusalAsync(HttpContext context, Exception refusal)
    {
        try
        {
            await audit.RecordDeniedAsync(context.User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value,
                context.Request.Path + context.Request.QueryString, refusal.Message, context.Connection.RemoteIpAddress?.ToString() ?? "local");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            log.LogWarning(ex, "Could not record a refused request on the audit trail");
        }
    }
}

using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Portal.Core.Common;

namespace Portal.Api;

/// <summary>Turns the Core's refusals into problem-details answers; anything else is a plain 500 without a stack trace.</summary>
internal sealed class DeskExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        var (status, title) = exception switch
        {
            DeskValidationException => (StatusCodes.Status400BadRequest, "The input was not accepted."),
            DeskForbiddenException => (StatusCodes.Status403Forbidden, "You may not do this."),
            DeskNotFoundException => (StatusCodes.Status404NotFound, "Not found."),
            DeskConflictException => (StatusCodes.Status409Conflict, "Someone else changed this first."),
            BadHttpRequestException => (StatusCodes.Status400BadRequest, "The request was malformed."),
            Microsoft.AspNetCore.Antiforgery.AntiforgeryValidationException =>
                (StatusCodes.Status400BadRequest, "The form had expired. Go back, reload the page and send it again."),
            _ => (StatusCodes.Status500InternalServerError, "Something went wrong on our side."),
        };
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
}

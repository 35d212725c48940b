using Microsoft.AspNetCore.Components;
using Portal.Core.Common;
using Portal.Security;

namespace Portal.Components.Shared;

/// <summary>
/// What every page and panel of the desk shares: the signed-in person, read fresh from the database (an account
/// deactivated or a role taken away counts at once), and one way of meeting a refusal. A Core service refuses with
/// <see cref="DeskForbiddenException"/>; <see cref="GuardAsync"/> records that on the audit trail and shows its message
/// in the component's <c>&lt;ProblemBox Message="@Problem" /&gt;</c>, instead of each page catching it itself. Pages never
/// decide access: they call the service and show what it says.
/// </summary>
public abstract class DeskComponent : ComponentBase
{
    [Inject] protected CurrentActor CurrentActor { get; set; } = default!;
    [Inject] protected AccessLog AccessLog { get; set; } = default!;

    /// <summary>The refusal to show, if the last guarded work was refused.</summary>
    protected string? Problem { get; set; }

    /// <summary>
    /// Runs <paramref name="work"/>; a refusal is recorded and shown (<see cref="Problem"/>) rather than thrown, and so is
    /// something that does not exist or may not be seen (not recorded: it is what a stale link gives). Returns whether the
    /// work ran through. Other problems (a field's error, a conflict) stay with the work's own handling.
    /// </summary>
    protected async Task<bool> GuardAsync(Func<Task> work)
    {
        try
        {
            await work();
            return true;
        }
        catch (DeskForbiddenException ex)
        {
            await RefusedAsync(ex);
            return false;
        }
        catch (DeskNotFoundException ex)
        {
            Problem = ex.Message;
            return false;
        }
    }

    /// <summary>Records a refusal on the audit trail and shows its message.</summary>
    protected async Task RefusedAsync(DeskForbiddenException refusal)
    {
        await AccessLog.DeniedAsync(refusal);
        Problem = refusal.Message;
    }
}

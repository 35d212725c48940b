using Portal.Core.Common;

namespace Portal.Core.Handling;

/// <summary>
/// One picked ticket's part of a change to several: done, or refused with a reason a person can act on (changed since it
/// was picked, not theirs to change, not valid for it), so that one ticket's refusal never stops the others.
/// </summary>
public static class PickedOutcomes
{
    public const string ChangedSincePicked = "it changed after you picked it; open it to see what changed";

    /// <param name="key">The ticket's number as far as the reader may know it (read when the outcome is made).</param>
    public static async Task<PickedOutcome> OneAsync(int ticketId, Func<string> key, Func<Task> work, string conflict = ChangedSincePicked)
    {
        try
        {
            await work();
            return new PickedOutcome(ticketId, key(), true, null);
        }
        catch (DeskConflictException)
        {
            return new PickedOutcome(ticketId, key(), false, conflict);
        }
        catch (Exception ex) when (ex is DeskForbiddenException or DeskNotFoundException or DeskValidationException)
        {
            return new PickedOutcome(ticketId, key(), false, ex is DeskValidationException v ? string.Join(" ", v.Errors.Values) : ex.Message);
        }
    }
}

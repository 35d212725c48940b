using Portal.Core.Common;

namespace Portal.Core.Security;

/// <summary>
/// The role rules every service (and a page that opens before it reads anything) asks, so that access is decided in
/// one place; a ticket's own rule is <see cref="Tickets.TicketAccess"/>. Each throws the refusal with the reader's message.
/// </summary>
public static class Access
{
    public static void RequireAdmin(Actor actor, string refusal = "Only admins can change the desk's configuration.")
    {
        if (!actor.IsAdmin)
            throw new DeskForbiddenException(refusal);
    }

    /// <summary>Agents, supervisors and admins: the asset registry, looking people up.</summary>
    public static void RequireStaff(Actor actor, string refusal)
    {
        if (!actor.IsStaff)
            throw new DeskForbiddenException(refusal);
    }

    /// <summary>Reports and dashboards: staff, and auditors (who read everything and change nothing).</summary>
    public static bool MayReadReports(Actor actor) => actor.IsStaff || actor.CanReadAudit;

    /// <summary>Reads every department's figures and complaints: admins and auditors.</summary>
    public static bool ReadsEveryDepartment(Actor actor) => actor.CanReadAudit;

    /// <summary>Reads a department's figures and complaints: those who work in it, admins and auditors.</summary>
    public static bool MayReadDepartment(Actor actor, int departmentId) => actor.CanWorkIn(departmentId) || ReadsEveryDepartment(actor);

    public static void RequireReports(Actor actor)
    {
        if (!MayReadReports(actor))
            throw new DeskForbiddenException("Reports are for agents, supervisors, admins and auditors.");
    }

    /// <summary>A department's queue and tickets: its agents and supervisors, and admins.</summary>
    public static void RequireWorkIn(Actor actor, int departmentId,
        string refusal = "You are not an agent or supervisor of this department.")
    {
        if (!actor.CanWorkIn(departmentId))
            throw new DeskForbiddenException(refusal);
    }
}

using Portal.Core.Security;
using Portal.Core.Users;

namespace Portal.Tests.Support;

public static class Auditors
{
    /// <summary>Adds an auditor (the read-only role, no department) as an admin would, and returns them as the Core sees them.</summary>
    public static async Task<Actor> AuditorAsync(this TestDatabase db)
    {
        var id = await db.Get<UserAdminService>().SaveAsync(db.Org.ActorFor(db.Org.Admin), new UserInput(null, "audrey.auditor@test.example",
            "Audrey Auditor", "longenough1", DeskRole.Auditor, [], [], null, "", true));
        return (await db.Get<ActorService>().LoadAsync(id))!;
    }
}

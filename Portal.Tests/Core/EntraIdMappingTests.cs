using System.Security.Claims;
using Portal.Core.Security;
using Portal.Security;

namespace Portal.Tests.Core;

public class EntraIdMappingTests
{
    private static readonly EntraIdMappingOptions Options = new()
    {
        RoleMap = new(StringComparer.OrdinalIgnoreCase) { ["Desk.Agent"] = "Agent", ["Desk.Admin"] = "Admin" },
        GroupRoles = new(StringComparer.OrdinalIgnoreCase) { ["g-sup"] = "Supervisor" },
        GroupDepartments = new(StringComparer.OrdinalIgnoreCase) { ["g-it"] = "IT", ["g-hr"] = "HR" },
    };

    private static ClaimsPrincipal Principal(params (string Type, string Value)[] claims) =>
        new(new ClaimsIdentity(claims.Select(c => new Claim(c.Type, c.Value)), "oidc"));

    [Fact]
    public void Map_AppRolesAndGroups_BecomeRolesAndDepartments()
    {
        var who = EntraIdMapping.Map(Principal(("oid", "o-1"), ("preferred_username", "kim@corp.example"), ("name", "Kim Lee"),
            ("roles", "Desk.Agent"), ("groups", "g-it"), ("groups", "g-sup"), ("groups", "g-unknown")), Options);
        Assert.NotNull(who);
        Assert.Equal("o-1", who.ObjectId);
        Assert.Equal("Kim Lee", who.DisplayName);
        Assert.Equal(DeskRole.Agent | DeskRole.Supervisor, who.Roles);
        Assert.Equal(["IT"], who.DepartmentCodes);
    }

    [Fact]
    public void Map_NoMappedRole_IsAPlainRequester()
    {
        var who = EntraIdMapping.Map(Principal(("oid", "o-2"), ("preferred_username", "x@corp.example"), ("roles", "Something.Else")), Options);
        Assert.Equal(DeskRole.Requester, who!.Roles);
        Assert.Empty(who.DepartmentCodes);
    }

    [Fact]
    public void Map_NoObjectId_IsRefused() =>
        Assert.Null(EntraIdMapping.Map(Principal(("preferred_username", "x@corp.example")), Options));
}

using Portal.Core.Common;
using Portal.Core.Tickets;

namespace Portal.Tests.Core;

public class TagRulesTests
{
    [Theory]
    [InlineData("VPN", "vpn")]
    [InlineData("  new starter ", "new-starter")]
    [InlineData("Laptop/Dock", "laptop-dock")]
    [InlineData("#urgent!", "urgent")]
    [InlineData("Éclair_2", "éclair_2")]
    [InlineData(" - ", null)]
    public void ATypedTag_IsKeptAsOneLowerCaseWord(string typed, string? kept) => Assert.Equal(kept, TagRules.Normalize(typed));

    [Fact]
    public void Tags_AreKeptOnce_Sorted_AndTooLongOrTooManyAreNamed()
    {
        var errors = new ValidationErrors();
        Assert.Equal(["dock", "vpn"], TagRules.Clean(["VPN", "vpn ", "dock", ""], errors));
        Assert.False(errors.Any);

        TagRules.Clean([new string('x', 41)], errors);
        Assert.Contains("longer than 40", Assert.Throws<DeskValidationException>(errors.ThrowIfAny).Errors[TagRules.Field]);
        var many = new ValidationErrors();
        TagRules.Clean(Enumerable.Range(0, 21).Select(i => $"t{i}"), many);
        Assert.Contains("at most 20 tags", Assert.Throws<DeskValidationException>(many.ThrowIfAny).Errors[TagRules.Field]);
    }
}

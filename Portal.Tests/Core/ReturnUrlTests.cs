using Portal.Features.Account;

namespace Portal.Tests.Core;

public class ReturnUrlTests
{
    [Theory]
    [InlineData("/tickets/5", "/tickets/5")]
    [InlineData(null, "/")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("//evil.example/", "/")]
    [InlineData("/\\evil.example", "/")]
    [InlineData("/\t/evil.example", "/")]
    [InlineData("/\r\n/evil.example", "/")]
    [InlineData("/ /evil.example", "/")]
    public void SafeReturnUrl_OnlyLocalPaths(string? input, string expected) =>
        Assert.Equal(expected, AccountEndpoints.SafeReturnUrl(input));
}

using Portal.Core.Common;
using Portal.Core.Tickets;
using Portal.Core.Handling;

namespace Portal.Tests.Core;

public class AttachmentRulesTests
{
    private static string? Check(params NewAttachment[] files)
    {
        var errors = new ValidationErrors();
        AttachmentRules.Check(files, errors);
        return errors.Any ? Assert.Throws<DeskValidationException>(errors.ThrowIfAny).Errors[AttachmentRules.Field] : null;
    }

    [Fact]
    public void Check_AcceptedTypeAndSize_Passes() =>
        Assert.Null(Check(new NewAttachment("screen.PNG", "image/png", [1, 2, 3])));

    [Fact]
    public void Check_RefusedType_NamesTheFile()
    {
        var message = Check(new NewAttachment("setup.exe", "application/octet-stream", [1]));
        Assert.Contains("\"setup.exe\" is of a type that is not accepted", message);
    }

    [Fact]
    public void Check_TooLarge_SaysTheLimit()
    {
        var message = Check(new NewAttachment("dump.log", "text/plain", new byte[TicketLimits.AttachmentMaxBytes + 1]));
        Assert.Contains("the limit is 10 MB", message);
    }

    [Fact]
    public void Check_Empty_IsRefused() => Assert.Contains("is empty", Check(new NewAttachment("a.txt", "text/plain", [])));

    [Fact]
    public void Check_TooMany_IsRefused()
    {
        var files = Enumerable.Range(0, TicketLimits.AttachmentsPerUpload + 1).Select(i => new NewAttachment($"{i}.txt", "text/plain", [1])).ToArray();
        Assert.Contains("At most", Check(files));
    }

    [Fact]
    public void ContentTypeFor_IgnoresWhatTheBrowserClaims() =>
        Assert.Equal("application/pdf", AttachmentRules.ContentTypeFor("report.pdf"));

    [Theory]
    [InlineData("payload.exe", 1024, 0, "not accepted")]
    [InlineData("big.pdf", TicketLimits.AttachmentMaxBytes + 1, 0, "the limit is")]
    [InlineData("empty.txt", 0, 0, "is empty")]
    [InlineData("sixth.txt", 10, TicketLimits.AttachmentsPerUpload, "At most")]
    public void APickedFile_IsRefusedByNameSizeAndCount_BeforeItIsRead(string name, long size, int picked, string expected) =>
        Assert.Contains(expected, AttachmentRules.Precheck(name, size, picked));

    [Fact]
    public void AFileThatPasses_MayBeRead() => Assert.Null(AttachmentRules.Precheck("screen.png", 2048, 4));

    [Theory]
    [InlineData("C:\\Users\\erin\\report.pdf", "report.pdf")]
    [InlineData("../../etc/passwd.txt", "passwd.txt")]
    [InlineData("invoice\u202Efdp.exe", "invoicefdp.exe")]
    [InlineData("\u202E", "file")]
    public void AFileName_LosesPathsAndDirectionControls(string name, string expected) =>
        Assert.Equal(expected, Portal.Core.Common.SafeText.FileName(name));

    [Fact]
    public void ATitle_LosesDirectionControls() =>
        Assert.Equal("Invoice cod.exe", Portal.Core.Common.SafeText.WithoutDirectionControls("Invoice \u202Ecod.exe\u2069"));
}

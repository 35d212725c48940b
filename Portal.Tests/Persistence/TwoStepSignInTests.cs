using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Users;
using Portal.Core.Admin;
using Portal.Tests.Support;

namespace Portal.Tests.Persistence;

public class TwoStepSignInTests : IAsyncLifetime
{
    private TestDatabase _db = default!;
    private TwoStepSignIn TwoStep => _db.Get<TwoStepSignIn>();

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private string CodeFor(AuthenticatorSetup setup) =>
        new OtpNet.Totp(OtpNet.Base32Encoding.ToBytes(setup.Key.Replace(" ", ""))).ComputeTotp(_db.Clock.GetUtcNow().UtcDateTime);

    [Fact]
    public async Task SettingUp_NeedsTheAppsCurrentCode_NamingTheField_AndGivesTenRecoveryCodesOnce()
    {
        var me = _db.Org.ActorFor(_db.Org.ItAgent);
        var setup = await TwoStep.BeginAsync(me);
        Assert.StartsWith("otpauth://totp/InternalDesk%3A", setup.Uri);
        var wrong = await Assert.ThrowsAsync<DeskValidationException>(() => TwoStep.EnableAsync(me, "12345"));
        Assert.Contains("Code", wrong.Errors.Keys);
        Assert.False((await TwoStep.StateAsync(me)).Enabled);

        var codes = await TwoStep.EnableAsync(me, CodeFor(setup));
        Assert.Equal(10, codes.Distinct().Count());
        Assert.Equal(new TwoStepState(true, true, 10), await TwoStep.StateAsync(me));
        // The code that turned it on cannot be used again (someone watching the screen), the next one can.
        await Assert.ThrowsAsync<DeskValidationException>(() => TwoStep.NewRecoveryCodesAsync(me, CodeFor(setup)));
        _db.Clock.Advance(TimeSpan.FromSeconds(30));
        await TwoStep.NewRecoveryCodesAsync(me, CodeFor(setup));
        await using var db = _db.NewContext();
        Assert.Equal(["signin.two-step-on", "signin.recovery-codes-renewed"],
            await db.AuditEntries.Where(e => e.EntityId == _db.Org.ItAgent.Id && e.Action.StartsWith("signin.")).OrderBy(e => e.Id).Select(e => e.Action).ToListAsync());
        // A stamp change would sign her out of the page she is using.
        Assert.Equal(_db.Org.ItAgent.SecurityStamp, (await db.Users.AsNoTracking().FirstAsync(u => u.Id == _db.Org.ItAgent.Id)).SecurityStamp);
    }

    [Fact]
    public async Task OnlyAnAdmin_TurnsOffSomeoneElses_WithoutACode()
    {
        var me = _db.Org.ActorFor(_db.Org.HrAgent);
        await TwoStep.EnableAsync(me, CodeFor(await TwoStep.BeginAsync(me)));
        await Assert.ThrowsAsync<DeskForbiddenException>(() => TwoStep.DisableAsync(_db.Org.ActorFor(_db.Org.ItAgent), _db.Org.HrAgent.Id, null));
        await TwoStep.DisableAsync(_db.Org.ActorFor(_db.Org.Admin), _db.Org.HrAgent.Id, null);
        Assert.Equal(new TwoStepState(true, false, 0), await TwoStep.StateAsync(me));
    }
}

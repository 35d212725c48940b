using System.Collections.Concurrent;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace Portal.Security;

/// <summary>Settings of sign-in throttling (<c>Security:SignIn</c>).</summary>
public sealed class SignInThrottleOptions
{
    public const string Section = "Security:SignIn";

    /// <summary>Wrong passwords for one email before each further attempt must wait.</summary>
    public int FreeFailuresPerAccount { get; set; } = 3;

    /// <summary>Wrong passwords from one network address before each further attempt must wait (offices share one).</summary>
    public int FreeFailuresPerAddress { get; set; } = 20;

    /// <summary>The longest wait between two attempts: the wait doubles with each failure up to this.</summary>
    public int MaxDelaySeconds { get; set; } = 300;

    /// <summary>Failures are forgotten after this long without another.</summary>
    public int ForgetAfterMinutes { get; set; } = 60;

    /// <summary>Sign-in posts one address may make per window, right or wrong (ASP.NET Core's rate limiter).</summary>
    public int AttemptsPerWindow { get; set; } = 60;

    public int WindowSeconds { get; set; } = 60;

    /// <summary>How long a browser where someone signed in stays known for them.</summary>
    public int KnownDeviceDays { get; set; } = 180;
}

/// <summary>
/// Slows password guessing without letting a stranger lock anyone out. After a few wrong passwords for one email (or
/// many from one address) each further attempt must wait, the wait doubling up to a few minutes; an attempt made too
/// early is refused without the password being checked. Nobody is ever locked: the wait is shown, and a browser where
/// the person signed in before (a signed "known device" cookie for that account) is not kept waiting, so someone
/// guessing from elsewhere cannot keep the owner out. Counted per node, in memory.
/// </summary>
public sealed class SignInThrottle(TimeProvider clock, IOptions<SignInThrottleOptions> options, IDataProtectionProvider protection)
{
    public const string DeviceCookie = "InternalDesk.Device";
    private const int MaxEntries = 100_000;
    private readonly ConcurrentDictionary<string, Failures> _failures = new(StringComparer.Ordinal);
    private readonly IDataProtector _devices = protection.CreateProtector("InternalDesk.SignIn.KnownDevice");

    private sealed record Failures(int Count, DateTimeOffset Last);

    private SignInThrottleOptions Options => options.Value;

    /// <summary>How long this attempt must still wait; zero when it may go ahead.</summary>
    public TimeSpan WaitFor(string email, string? address) =>
        TimeSpan.FromTicks(Math.Max(Wait(AccountKey(email), Options.FreeFailuresPerAccount).Ticks,
            Wait(AddressKey(address), Options.FreeFailuresPerAddress).Ticks));

    public void Failed(string email, string? address)
    {
        var now = clock.GetUtcNow();
        if (_failures.Count >= MaxEntries)
            Prune(now);
        foreach (var key in new[] { AccountKey(email), AddressKey(address) })
            _failures.AddOrUpdate(key, _ => new Failures(1, now),
                (_, f) => new Failures(now - f.Last > Forget ? 1 : f.Count + 1, now));
    }

    /// <summary>The account's failures are forgotten; the address's are not (one good sign-in does not excuse a hundred).</summary>
    public void Succeeded(string email) => _failures.TryRemove(AccountKey(email), out _);

    /// <summary>The user id this browser signed in as before, if its cookie is genuine.</summary>
    public string? KnownDevice(HttpContext http)
    {
        if (http.Request.Cookies[DeviceCookie] is not { Length: > 0 } value)
            return null;
        try
        {
            return _devices.Unprotect(value);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }

    public void RememberDevice(HttpContext http, string userId) =>
        http.Response.Cookies.Append(DeviceCookie, _devices.Protect(userId), new CookieOptions
        {
            HttpOnly = true, IsEssential = true, SameSite = SameSiteMode.Lax, Secure = http.Request.IsHttps, Path = "/account",
            Expires = clock.GetUtcNow().AddDays(Options.KnownDeviceDays),
        });

    private TimeSpan Forget => TimeSpan.FromMinutes(Math.Max(1, Options.ForgetAfterMinutes));

    private TimeSpan Wait(string key, int free)
    {
        if (!_failures.TryGetValue(key, out var f))
            return TimeSpan.Zero;
        var now = clock.GetUtcNow();
        if (now - f.Last > Forget)
        {
            _failures.TryRemove(KeyValuePair.Create(key, f));
            return TimeSpan.Zero;
        }

        var excess = f.Count - Math.Max(0, free);
        if (excess <= 0)
            return TimeSpan.Zero;
        var delay = TimeSpan.FromSeconds(Math.Min(Math.Pow(2, Math.Min(excess - 1, 30)), Math.Max(1, Options.MaxDelaySeconds)));
        var left = f.Last + delay - now;
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, f) in _failures)
            if (now - f.Last > Forget)
                _failures.TryRemove(key, out _);
    }

    private static string AccountKey(string email) => "account:" + email.Trim().ToLowerInvariant();

    private static string AddressKey(string? address) => "address:" + (address ?? "local");
}

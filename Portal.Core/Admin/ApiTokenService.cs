using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Persistence;
using Portal.Core.Security;
using Portal.Core.Users;

namespace Portal.Core.Admin;

public sealed record ApiTokenRow(int Id, string UserId, string UserName, string UserEmail, string Name, IReadOnlyList<string> Scopes, string Prefix,
    DateTime CreatedAt, DateTime ExpiresAt, DateTime? LastUsedAt, string? LastUsedFrom, DateTime? RevokedAt)
{
    public bool Usable(DateTime now) => RevokedAt is null && ExpiresAt > now;
}

public sealed record NewApiToken(ApiTokenRow Token, string Secret);

/// <summary>Who called with a token: the person with their current rights, and what the token allows.</summary>
public sealed record TokenCaller(Actor Actor, int TokenId, string TokenName, IReadOnlySet<string> Scopes);

/// <summary>Why a token was not accepted, as the 401 says it.</summary>
public enum TokenRefusal
{
    Unknown,
    Expired,
    Revoked,
    UserInactive,
}

/// <summary>
/// Tokens for the API: made on Account → API tokens (for oneself), on Admin → Service accounts (for a service account)
/// and with <c>tokens add</c>; listed, revoked, and checked on every call.
/// </summary>
public sealed class ApiTokenService(IDbContextFactory<DeskDbContext> dbFactory, TimeProvider clock)
{
    public const string SecretPrefix = "idk_";
    public const int DefaultDays = 90;
    public const int MaxDays = 365;

    /// <summary>How often a token's last use is written (calls in between are not written again).</summary>
    public static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    /// <summary>How often a token's use goes on the audit trail when it only reads (every change is audited anyway).</summary>
    public static readonly TimeSpan UseAuditResolution = TimeSpan.FromHours(1);

    public async Task<NewApiToken> CreateAsync(Actor actor, string userId, string? name, IReadOnlyCollection<string>? scopes, int? days,
        CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var user = await db.Users.AsNoTracking().Where(u => u.Id == userId)
            .Select(u => new { u.Id, u.DisplayName, u.Email, u.IsActive, u.IsServiceAccount, u.Roles }).FirstOrDefaultAsync(ct)
            ?? throw new DeskNotFoundException("That user does not exist.");
        // The command line (whoever runs the server) makes tokens for scripts for anyone.
        if (user.Id != actor.UserId && !(actor.IsAdmin && user.IsServiceAccount) && actor != UserAdminService.Console)
            throw new DeskForbiddenException("You can make tokens for yourself; admins also for service accounts.");
        var errors = new ValidationErrors();
        var trimmed = name?.Trim() ?? "";
        errors.Required("name", trimmed, "Name");
        errors.MaxLength("name", trimmed, 100, "Name");
        var chosen = (scopes ?? []).Select(s => s.Trim().ToLowerInvariant()).Where(s => s.Length > 0).Distinct().ToList();
        if (chosen.Count == 0)
            errors.Add("scopes", $"Scopes: choose at least one of {string.Join(", ", ApiScopes.All)}.");
        else if (chosen.FirstOrDefault(s => !ApiScopes.All.Contains(s)) is { } unknown)
            errors.Add("scopes", $"Scopes: \"{unknown}\" is not a scope; the scopes are {string.Join(", ", ApiScopes.All)}.");
        else if (chosen.Contains(ApiScopes.Admin) && !user.Roles.HasFlag(DeskRole.Admin))
            errors.Add("scopes", "Scopes: admin is only for a token of an admin.");
        var lifetime = days ?? DefaultDays;
        if (lifetime is < 1 or > MaxDays)
            errors.Add("days", $"Expires after: from 1 to {MaxDays} days (a token lasts at most a year).");
        if (!user.IsActive)
            errors.Add("userId", "The account is deactivated; it cannot have new tokens.");
        errors.ThrowIfAny();

        var secret = SecretPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        var now = clock.GetUtcNow().UtcDateTime;
        var token = new ApiToken
        {
            UserId = user.Id, Name = trimmed, Scopes = string.Join(' ', ApiScopes.All.Where(chosen.Contains)), Hash = HashOf(secret),
            Prefix = secret[..10], CreatedById = actor.UserId, CreatedAt = now, ExpiresAt = now.AddDays(lifetime),
        };
        db.ApiTokens.Add(token);
        await db.SaveChangesAsync(ct);
        return new NewApiToken(Row(token, user.DisplayName, user.Email ?? ""), secret);
    }

    /// <summary>One user's tokens, newest first: one's own, or a service account's for an admin.</summary>
    public async Task<IReadOnlyList<ApiTokenRow>> ListAsync(Actor actor, string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        if (userId != actor.UserId && !(actor.IsAdmin && await db.Users.AnyAsync(u => u.Id == userId && u.IsServiceAccount, ct)))
            throw new DeskForbiddenException("You can see your own tokens; admins also those of service accounts.");
        return await Rows(db.ApiTokens.Where(t => t.UserId == userId), ct);
    }

    /// <summary>Every token of the desk (admins; <c>tokens list</c>).</summary>
    public async Task<IReadOnlyList<ApiTokenRow>> ListAllAsync(Actor actor, CancellationToken ct = default)
    {
        Access.RequireAdmin(actor, "Only admins see every token.");
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        return await Rows(db.ApiTokens, ct);
    }

    /// <summary>Ends a token at once: its owner, an admin for any token.</summary>
    public async Task RevokeAsync(Actor actor, int tokenId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var token = await db.ApiTokens.FirstOrDefaultAsync(t => t.Id == tokenId, ct) ?? throw new DeskNotFoundException($"Token {tokenId} does not exist.");
        if (token.UserId != actor.UserId && !actor.IsAdmin)
            throw new DeskForbiddenException("You can revoke your own tokens; admins any token.");
        if (token.RevokedAt is not null)
            return;
        token.RevokedAt = clock.GetUtcNow().UtcDateTime;
        token.RevokedById = actor.UserId;
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// The caller behind a secret, with the user's rights as they are now, or why not. Writes the last use (once a
    /// minute at most) and puts the token's use on the audit trail (once an hour at most; changes are audited each).
    /// </summary>
    public async Task<(TokenCaller? Caller, TokenRefusal Refusal)> AuthenticateAsync(string secret, string? source, CancellationToken ct = default)
    {
        if (!secret.StartsWith(SecretPrefix, StringComparison.Ordinal) || secret.Length > 200)
            return (null, TokenRefusal.Unknown);
        var hash = HashOf(secret);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var token = await db.ApiTokens.AsNoTracking().Where(t => t.Hash == hash)
            .Select(t => new
            {
                t.Id, t.Name, t.Scopes, t.ExpiresAt, t.RevokedAt, t.LastUsedAt, t.UserId,
                User = new { t.User!.DisplayName, t.User.Roles, t.User.IsActive, Departments = t.User.Departments.Select(d => d.DepartmentId).ToList() },
            })
            .FirstOrDefaultAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        if (token is null)
            return (null, TokenRefusal.Unknown);
        if (token.RevokedAt is not null)
            return (null, TokenRefusal.Revoked);
        if (token.ExpiresAt <= now)
            return (null, TokenRefusal.Expired);
        if (!token.User.IsActive)
            return (null, TokenRefusal.UserInactive);

        var from = source is { Length: > 100 } ? source[..100] : source;
        if (token.LastUsedAt is not { } last || now - last >= LastUsedResolution)
        {
            var since = now - LastUsedResolution;
            var written = await db.ApiTokens.Where(t => t.Id == token.Id && (t.LastUsedAt == null || t.LastUsedAt <= since))
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now).SetProperty(t => t.LastUsedFrom, from), ct);
            if (written > 0 && (token.LastUsedAt is not { } previous || now - previous >= UseAuditResolution))
            {
                await using var tx = await db.Database.BeginTransactionAsync(ct);
                await AuditTrail.AppendAsync(db, [new Audit.AuditEntry
                {
                    At = now, ActorKind = Audit.AuditActorKind.Api, ActorId = token.UserId, Action = "api-token.used", EntityType = "api-token",
                    EntityId = token.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    After = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string?> { ["Name"] = token.Name, ["From"] = from }, AuditJson.Options),
                    Source = from,
                }], ct);
                await tx.CommitAsync(ct);
            }
        }

        // No stamp to check again in each unit of work: the account, its roles and departments were read just now, for this
        // one request (a circuit, which lives for hours, carries its stamp; a call lasts milliseconds).
        var actor = new Actor(token.UserId, token.User.DisplayName, token.User.Roles, token.User.Departments.ToHashSet())
        {
            Source = SourceOf(token.Id, token.Name, from),
        };
        return (new TokenCaller(actor, token.Id, token.Name, token.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet()), TokenRefusal.Unknown);
    }

    /// <summary>How the audit trail names a change made with a token: the token and the address.</summary>
    public static string SourceOf(int tokenId, string name, string? address)
    {
        var text = $"api token #{tokenId} \"{name}\" from {address ?? "unknown"}";
        return text.Length > 100 ? text[..100] : text;
    }

    public static string HashOf(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static async Task<IReadOnlyList<ApiTokenRow>> Rows(IQueryable<ApiToken> tokens, CancellationToken ct)
    {
        var rows = await tokens.AsNoTracking().OrderByDescending(t => t.Id)
            .Select(t => new { Token = t, t.User!.DisplayName, t.User.Email }).ToListAsync(ct);
        return rows.Select(r => Row(r.Token, r.DisplayName, r.Email ?? "")).ToList();
    }

    private static ApiTokenRow Row(ApiToken t, string userName, string email) => new(t.Id, t.UserId, userName, email, t.Name,
        t.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries), t.Prefix, t.CreatedAt, t.ExpiresAt, t.LastUsedAt, t.LastUsedFrom, t.RevokedAt);
}

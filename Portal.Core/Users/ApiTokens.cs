using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Core.Users;

/// <summary>What a token may be used for; a token never grants more than its user may do.</summary>
public static class ApiScopes
{
    public const string TicketsRead = "tickets:read";
    public const string TicketsWrite = "tickets:write";
    public const string AssetsRead = "assets:read";
    public const string AssetsWrite = "assets:write";
    public const string ReportsRead = "reports:read";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [TicketsRead, TicketsWrite, AssetsRead, AssetsWrite, ReportsRead, Admin];

    public static string Describe(string scope) => scope switch
    {
        TicketsRead => "Read tickets, their history, attachments and links",
        TicketsWrite => "Create and change tickets, reply, add notes, files, watchers and links",
        AssetsRead => "Read asset records",
        AssetsWrite => "Create and change asset records, link them to tickets",
        ReportsRead => "Read reports and exports",
        Admin => "Admin work: webhooks, the SLA simulator, the audit export",
        _ => scope,
    };
}

/// <summary>
/// A personal access token or a service account's token. Only a SHA-256 hash of the secret is kept (the secret is
/// shown once, when made); the first characters are kept to tell tokens apart. Checked in the database on every
/// call, so a revocation holds on every node at once.
/// </summary>
public class ApiToken
{
    public int Id { get; set; }
    public string UserId { get; set; } = "";
    public DeskUser? User { get; set; }
    public string Name { get; set; } = "";

    /// <summary>Space-separated scopes.</summary>
    public string Scopes { get; set; } = "";

    /// <summary>Hex SHA-256 of the whole secret.</summary>
    public string Hash { get; set; } = "";

    /// <summary>The secret's first characters ("idk_a1B2c3"), shown in lists.</summary>
    public string Prefix { get; set; } = "";
    public string CreatedById { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
    public DateTime? LastUsedAt { get; set; }
    public string? LastUsedFrom { get; set; }
    public DateTime? RevokedAt { get; set; }
    public string? RevokedById { get; set; }
}

internal sealed class ApiTokenConfiguration : IEntityTypeConfiguration<ApiToken>
{
    public void Configure(EntityTypeBuilder<ApiToken> b)
    {
        b.Property(t => t.Name).HasMaxLength(100);
        b.Property(t => t.Scopes).HasMaxLength(200);
        b.Property(t => t.Hash).HasMaxLength(64);
        b.HasIndex(t => t.Hash).IsUnique();
        b.Property(t => t.Prefix).HasMaxLength(20);
        b.Property(t => t.CreatedById).HasMaxLength(450);
        b.Property(t => t.RevokedById).HasMaxLength(450);
        b.Property(t => t.LastUsedFrom).HasMaxLength(100);
        b.HasIndex(t => t.UserId);
        b.HasOne(t => t.User).WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

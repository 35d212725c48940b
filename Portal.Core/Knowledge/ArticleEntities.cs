using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Core.Knowledge;

public enum ArticleState
{
    Draft,
    Published,
    Archived,
}

/// <summary>Who may read a published article: every employee, or staff only (internal procedures).</summary>
public enum ArticleVisibility
{
    Everyone,
    Staff,
}

/// <summary>
/// A knowledge base article of a department, written in Markdown and shown as sanitized HTML. <see cref="SearchText"/>
/// is the body as plain text, kept by the service for the search index (SQLite FTS5 by triggers, PostgreSQL a weighted
/// tsvector column). <see cref="Version"/> detects a conflicting edit; every save is a new <see cref="ArticleRevision"/>.
/// </summary>
public class Article
{
    public int Id { get; set; }
    public int DepartmentId { get; set; }
    public int? CategoryId { get; set; }
    public string Title { get; set; } = "";
    public string Summary { get; set; } = "";
    public string Body { get; set; } = "";
    public string SearchText { get; set; } = "";

    /// <summary>Comma-separated, lower case.</summary>
    public string Tags { get; set; } = "";

    public ArticleState State { get; set; }
    public ArticleVisibility Visibility { get; set; }
    public string OwnerId { get; set; } = "";

    /// <summary>The day by which its owner should check it is still right (UTC midnight); null: no review planned.</summary>
    public DateTime? ReviewBy { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? PublishedAt { get; set; }

    /// <summary>The number of its latest revision.</summary>
    public int Revision { get; set; }

    public int Version { get; set; } = 1;
}

/// <summary>One saved state of an article: who changed it, when, and what it said.</summary>
public class ArticleRevision
{
    public int Id { get; set; }
    public int ArticleId { get; set; }
    public int Number { get; set; }
    public string Title { get; set; } = "";
    public string Summary { get; set; } = "";
    public string Body { get; set; } = "";
    public string Tags { get; set; } = "";
    public ArticleState State { get; set; }
    public ArticleVisibility Visibility { get; set; }
    public string EditorId { get; set; } = "";
    public DateTime At { get; set; }

    /// <summary>What the change was, in words ("Restored revision 3", "Published").</summary>
    public string Note { get; set; } = "";
}

/// <summary>What readers did with an article.</summary>
public enum ArticleSignalKind
{
    View,
    Helpful,
    NotHelpful,

    /// <summary>"This answered my question" while filing: a request that was not filed.</summary>
    Deflected,

    /// <summary>An agent linked or inserted it into a reply.</summary>
    Used,
}

/// <summary>One reader's signal on an article (a view, a vote with its comment, a deflection, a use in a reply).</summary>
public class ArticleSignal
{
    public long Id { get; set; }
    public int ArticleId { get; set; }
    public ArticleSignalKind Kind { get; set; }
    public string? UserId { get; set; }
    public int? TicketId { get; set; }
    public string? Comment { get; set; }
    public DateTime At { get; set; }
}

internal sealed class ArticleConfiguration : IEntityTypeConfiguration<Article>
{
    public void Configure(EntityTypeBuilder<Article> b)
    {
        b.Property(a => a.Title).HasMaxLength(KnowledgeLimits.TitleMax);
        b.Property(a => a.Summary).HasMaxLength(KnowledgeLimits.SummaryMax);
        b.Property(a => a.Body).HasMaxLength(KnowledgeLimits.BodyMax);
        b.Property(a => a.SearchText).HasMaxLength(KnowledgeLimits.BodyMax);
        b.Property(a => a.Tags).HasMaxLength(KnowledgeLimits.TagsMax);
        b.Property(a => a.State).HasConversion<string>().HasMaxLength(10);
        b.Property(a => a.Visibility).HasConversion<string>().HasMaxLength(10);
        b.Property(a => a.Version).IsConcurrencyToken();
        b.HasIndex(a => new { a.DepartmentId, a.State, a.UpdatedAt });
        b.HasIndex(a => new { a.State, a.ReviewBy });
        b.HasOne<Departments.Department>().WithMany().HasForeignKey(a => a.DepartmentId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Departments.Category>().WithMany().HasForeignKey(a => a.CategoryId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne<Users.DeskUser>().WithMany().HasForeignKey(a => a.OwnerId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ArticleRevisionConfiguration : IEntityTypeConfiguration<ArticleRevision>
{
    public void Configure(EntityTypeBuilder<ArticleRevision> b)
    {
        b.Property(r => r.Title).HasMaxLength(KnowledgeLimits.TitleMax);
        b.Property(r => r.Summary).HasMaxLength(KnowledgeLimits.SummaryMax);
        b.Property(r => r.Body).HasMaxLength(KnowledgeLimits.BodyMax);
        b.Property(r => r.Tags).HasMaxLength(KnowledgeLimits.TagsMax);
        b.Property(r => r.State).HasConversion<string>().HasMaxLength(10);
        b.Property(r => r.Visibility).HasConversion<string>().HasMaxLength(10);
        b.Property(r => r.Note).HasMaxLength(200);
        b.HasIndex(r => new { r.ArticleId, r.Number }).IsUnique();
        b.HasOne<Article>().WithMany().HasForeignKey(r => r.ArticleId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ArticleSignalConfiguration : IEntityTypeConfiguration<ArticleSignal>
{
    public void Configure(EntityTypeBuilder<ArticleSignal> b)
    {
        b.Property(s => s.Kind).HasConversion<string>().HasMaxLength(12);
        b.Property(s => s.Comment).HasMaxLength(KnowledgeLimits.CommentMax);
        b.HasIndex(s => new { s.ArticleId, s.Kind, s.At });
        b.HasIndex(s => new { s.Kind, s.At });
        b.HasOne<Article>().WithMany().HasForeignKey(s => s.ArticleId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>A file or image that goes with an article (a screenshot in its steps, a form to fill in); not versioned with the text.</summary>
public class ArticleFile
{
    public int Id { get; set; }
    public int ArticleId { get; set; }
    public string FileName { get; set; } = "";
    public string ContentType { get; set; } = "";
    public long Size { get; set; }
    public byte[] Data { get; set; } = [];
    public string UploadedById { get; set; } = "";
    public DateTime UploadedAt { get; set; }
}

internal sealed class ArticleFileConfiguration : IEntityTypeConfiguration<ArticleFile>
{
    public void Configure(EntityTypeBuilder<ArticleFile> b)
    {
        b.Property(f => f.FileName).HasMaxLength(255);
        b.Property(f => f.ContentType).HasMaxLength(100);
        b.HasIndex(f => f.ArticleId);
        b.HasOne<Article>().WithMany().HasForeignKey(f => f.ArticleId).OnDelete(DeleteBehavior.Cascade);
    }
}

public static class KnowledgeLimits
{
    public const int FilesPerArticle = 20;
    public const int TitleMax = 200;
    public const int SummaryMax = 500;
    public const int BodyMax = 100_000;
    public const int TagsMax = 500;
    public const int CommentMax = 2000;
}

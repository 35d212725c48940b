using Microsoft.EntityFrameworkCore;
using Portal.Core.Knowledge;
using Portal.Core.Persistence;
using Portal.Core.Security;

namespace Portal.Core.Reporting;

/// <summary>What readers did with one article in the period.</summary>
public sealed record ArticleFigures(int Id, string Title, string Department, ArticleVisibility Visibility, int Views, int Helpful, int NotHelpful,
    int Deflected, int Used)
{
    /// <summary>The share of votes that said it helped, 0 to 1; null without votes.</summary>
    public double? HelpfulShare => Helpful + NotHelpful == 0 ? null : (double)Helpful / (Helpful + NotHelpful);
}

/// <summary>A published article whose review date has come or comes soon.</summary>
public sealed record ArticleDue(int Id, string Title, string Department, string Owner, DateTime ReviewBy, bool Overdue);

/// <summary>A "Did this help? No" with what the reader wrote.</summary>
public sealed record ArticleComment(int ArticleId, string Title, string Comment, DateTime At);

/// <summary>The knowledge base's figures for the reader's departments in a period.</summary>
/// <param name="Deflected">Requests not filed because an article answered them ("This answered my question").</param>
/// <param name="DueForReview">Published articles whose review date has passed.</param>
public sealed record KnowledgeSummary(int Published, int Deflected, int Views, int Helpful, int NotHelpful, int Used, int DueForReview,
    IReadOnlyList<ArticleFigures> Articles, IReadOnlyList<ArticleDue> Due, IReadOnlyList<ArticleComment> Comments)
{
    public double? HelpfulShare => Helpful + NotHelpful == 0 ? null : (double)Helpful / (Helpful + NotHelpful);
}

/// <summary>
/// The knowledge-base report: deflected requests, article views, helpfulness, uses in replies, and the articles due for
/// review, for the departments the reader may read figures of (the same rule as every report). Drafts and archived
/// articles count for what readers did while they were published; only published ones are due for review.
/// </summary>
public sealed class KnowledgeReport(IDbContextFactory<DeskDbContext> dbFactory, ReportFacts facts, TimeProvider clock)
{
    public const int ArticlesShown = 25;
    public const int CommentsShown = 20;

    /// <summary>How far ahead a review date puts an article on the list.</summary>
    public static readonly TimeSpan ReviewSoon = TimeSpan.FromDays(14);

    public async Task<KnowledgeSummary> LoadAsync(Actor actor, IReadOnlyCollection<int>? departmentIds, DateTime from, DateTime to,
        CancellationToken ct = default)
    {
        var departments = await facts.VisibleDepartmentsAsync(actor, departmentIds, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var articles = db.Articles.Where(a => departments.Contains(a.DepartmentId));
        var published = await articles.CountAsync(a => a.State == ArticleState.Published, ct);

        var counts = await db.ArticleSignals
            .Where(s => s.At >= from && s.At < to && articles.Any(a => a.Id == s.ArticleId))
            .GroupBy(s => new { s.ArticleId, s.Kind })
            .Select(g => new { g.Key.ArticleId, g.Key.Kind, Count = g.Count() })
            .ToListAsync(ct);
        int Sum(ArticleSignalKind kind) => counts.Where(c => c.Kind == kind).Sum(c => c.Count);
        int Of(int id, ArticleSignalKind kind) => counts.Where(c => c.ArticleId == id && c.Kind == kind).Sum(c => c.Count);

        // The most read first: views, then deflections (an answer that saved a request counts most after being read).
        var busiest = counts.GroupBy(c => c.ArticleId)
            .Select(g => (Id: g.Key, Views: g.Where(c => c.Kind == ArticleSignalKind.View).Sum(c => c.Count),
                Deflected: g.Where(c => c.Kind == ArticleSignalKind.Deflected).Sum(c => c.Count), All: g.Sum(c => c.Count)))
            .OrderByDescending(a => a.Views).ThenByDescending(a => a.Deflected).ThenByDescending(a => a.All).ThenBy(a => a.Id)
            .Take(ArticlesShown).Select(a => a.Id).ToList();
        var names = await articles.Where(a => busiest.Contains(a.Id))
            .Select(a => new { a.Id, a.Title, a.Visibility, Department = db.Departments.Where(d => d.Id == a.DepartmentId).Select(d => d.Name).First() })
            .ToDictionaryAsync(a => a.Id, ct);
        var figures = busiest.Where(names.ContainsKey).Select(id => new ArticleFigures(id, names[id].Title, names[id].Department, names[id].Visibility,
            Of(id, ArticleSignalKind.View), Of(id, ArticleSignalKind.Helpful), Of(id, ArticleSignalKind.NotHelpful), Of(id, ArticleSignalKind.Deflected),
            Of(id, ArticleSignalKind.Used))).ToList();

        var soon = now + ReviewSoon;
        var dueRows = await articles.Where(a => a.State == ArticleState.Published && a.ReviewBy != null && a.ReviewBy <= soon)
            .OrderBy(a => a.ReviewBy).ThenBy(a => a.Id).Take(ArticlesShown)
            .Select(a => new
            {
                a.Id, a.Title, ReviewBy = a.ReviewBy!.Value,
                Department = db.Departments.Where(d => d.Id == a.DepartmentId).Select(d => d.Name).First(),
                Owner = db.Users.Where(u => u.Id == a.OwnerId).Select(u => u.DisplayName).First(),
            }).ToListAsync(ct);
        var overdue = await articles.CountAsync(a => a.State == ArticleState.Published && a.ReviewBy != null && a.ReviewBy <= now, ct);

        var comments = await db.ArticleSignals
            .Where(s => s.Kind == ArticleSignalKind.NotHelpful && s.Comment != null && s.Comment != "" && s.At >= from && s.At < to
                && articles.Any(a => a.Id == s.ArticleId))
            .OrderByDescending(s => s.At).ThenByDescending(s => s.Id).Take(CommentsShown)
            .Select(s => new ArticleComment(s.ArticleId, articles.Where(a => a.Id == s.ArticleId).Select(a => a.Title).First(), s.Comment!, s.At))
            .ToListAsync(ct);

        return new KnowledgeSummary(published, Sum(ArticleSignalKind.Deflected), Sum(ArticleSignalKind.View), Sum(ArticleSignalKind.Helpful),
            Sum(ArticleSignalKind.NotHelpful), Sum(ArticleSignalKind.Used), overdue, figures,
            dueRows.Select(d => new ArticleDue(d.Id, d.Title, d.Department, d.Owner, d.ReviewBy, d.ReviewBy <= now)).ToList(), comments);
    }
}

using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Persistence;
using Portal.Core.Security;

namespace Portal.Core.Knowledge;

/// <summary>An article as a reader sees it: its body as safe HTML.</summary>
public sealed record ArticleView(int Id, int DepartmentId, string Department, int? CategoryId, string Title, string Summary, string Html, string Body,
    IReadOnlyList<string> Tags, ArticleState State, ArticleVisibility Visibility, string OwnerId, string Owner, DateOnly? ReviewBy, DateTime UpdatedAt,
    DateTime? PublishedAt, int Revision, int Version, bool MayEdit);

/// <summary>An article in a list (the help centre, the staff's list).</summary>
public sealed record ArticleRow(int Id, int DepartmentId, string Department, string Title, string Summary, ArticleState State,
    ArticleVisibility Visibility, string Owner, DateOnly? ReviewBy, DateTime UpdatedAt);

/// <summary>What an editor saves; <see cref="Version"/> is the one it opened (0 for a new article).</summary>
public sealed record ArticleInput(int? Id, int DepartmentId, string? Title, string? Summary, string? Body, string? Tags, ArticleState State,
    ArticleVisibility Visibility, int? CategoryId = null, DateOnly? ReviewBy = null, int Version = 0);

/// <summary>One saved state of an article, as its history lists it.</summary>
public sealed record RevisionRow(int Number, string Title, string Editor, DateTime At, string Note, ArticleState State);

/// <summary>
/// The knowledge base. Who may read: a published article for everyone, a staff-only one for staff; drafts and archived
/// articles only for the staff of their department (and admins). Who may write: the staff of the article's department
/// and admins. Checked on every call; staff-only and unpublished articles never reach anyone else, by any way.
/// </summary>
public sealed class KnowledgeService(IDbContextFactory<DeskDbContext> dbFactory, TimeProvider clock)
{
    public static bool MaySee(Actor actor, ArticleState state, ArticleVisibility visibility, int departmentId) =>
        state == ArticleState.Published ? visibility == ArticleVisibility.Everyone || actor.IsStaff : actor.CanWorkIn(departmentId);

    public static bool MayEdit(Actor actor, int departmentId) => actor.CanWorkIn(departmentId);

    /// <summary>Published articles matching what the reader typed, best first, with snippets.</summary>
    public async Task<IReadOnlyList<ArticleHit>> SearchAsync(Actor actor, string? text, int? departmentId = null, int take = 10, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(text))
            return [];
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        return await ArticleSearch.FindAsync(db, text, actor.IsStaff, departmentId, Math.Clamp(take, 1, 50), ct);
    }

    /// <summary>The published articles a reader may see (a department's, or all), most recently updated first.</summary>
    public async Task<IReadOnlyList<ArticleRow>> PublishedAsync(Actor actor, int? departmentId = null, int take = 50, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var q = db.Articles.AsNoTracking().Where(a => a.State == ArticleState.Published);
        if (!actor.IsStaff)
            q = q.Where(a => a.Visibility == ArticleVisibility.Everyone);
        if (departmentId is { } d)
            q = q.Where(a => a.DepartmentId == d);
        return await Rows(db, q.OrderByDescending(a => a.UpdatedAt).ThenBy(a => a.Id).Take(take), ct);
    }

    /// <summary>Every article of the departments the staff member works in (drafts and archived too), for the staff's list.</summary>
    public async Task<IReadOnlyList<ArticleRow>> ManagedAsync(Actor actor, int? departmentId = null, ArticleState? state = null, CancellationToken ct = default)
    {
        if (!actor.IsStaff)
            throw new DeskForbiddenException("Only staff manage articles.");
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var q = db.Articles.AsNoTracking();
        if (!actor.IsAdmin)
            q = q.Where(a => actor.DepartmentIds.Contains(a.DepartmentId));
        if (departmentId is { } d)
            q = q.Where(a => a.DepartmentId == d);
        if (state is { } s)
            q = q.Where(a => a.State == s);
        return await Rows(db, q.OrderByDescending(a => a.UpdatedAt).ThenBy(a => a.Id).Take(500), ct);
    }

    private static async Task<IReadOnlyList<ArticleRow>> Rows(DeskDbContext db, IQueryable<Article> q, CancellationToken ct)
    {
        var rows = await q.Select(a => new
        {
            a.Id, a.DepartmentId, Department = db.Departments.Where(d => d.Id == a.DepartmentId).Select(d => d.Name).First(), a.Title, a.Summary,
            a.State, a.Visibility, Owner = db.Users.Where(u => u.Id == a.OwnerId).Select(u => u.DisplayName).First(), a.ReviewBy, a.UpdatedAt,
        }).ToListAsync(ct);
        return rows.Select(r => new ArticleRow(r.Id, r.DepartmentId, r.Department, r.Title, r.Summary, r.State, r.Visibility, r.Owner,
            r.ReviewBy is { } day ? DateOnly.FromDateTime(day) : null, r.UpdatedAt)).ToList();
    }

    /// <summary>One article for its reader; not found when they may not see it (never telling that it exists).</summary>
    public async Task<ArticleView> GetAsync(Actor actor, int id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var a = await db.Articles.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (a is null || !MaySee(actor, a.State, a.Visibility, a.DepartmentId))
            throw new DeskNotFoundException($"Article {id} does not exist or you may not read it.");
        var department = await db.Departments.Where(d => d.Id == a.DepartmentId).Select(d => d.Name).FirstAsync(ct);
        var owner = await db.Users.Where(u => u.Id == a.OwnerId).Select(u => u.DisplayName).FirstOrDefaultAsync(ct) ?? "";
        return new ArticleView(a.Id, a.DepartmentId, department, a.CategoryId, a.Title, a.Summary, ArticleMarkdown.ToHtml(a.Body), a.Body, SplitTags(a.Tags),
            a.State, a.Visibility, a.OwnerId, owner, a.ReviewBy is { } day ? DateOnly.FromDateTime(day) : null, a.UpdatedAt, a.PublishedAt, a.Revision,
            a.Version, MayEdit(actor, a.DepartmentId));
    }

    /// <summary>
    /// Adds or changes an article: each error names its field; someone else's save since the editor opened it is a
    /// conflict (what was typed stays in the form). Every save is a revision.
    /// </summary>
    public async Task<int> SaveAsync(Actor actor, ArticleInput input, CancellationToken ct = default)
    {
        var errors = new ValidationErrors();
        var title = input.Title?.Trim() ?? "";
        var summary = input.Summary?.Trim() ?? "";
        var body = input.Body ?? "";
        errors.Required("Title", title, "Title");
        errors.MaxLength("Title", title, KnowledgeLimits.TitleMax, "Title");
        errors.MaxLength("Summary", summary, KnowledgeLimits.SummaryMax, "Summary");
        if (input.State == ArticleState.Published)
            errors.Required("Body", body.Trim(), "Text");
        errors.MaxLength("Body", body, KnowledgeLimits.BodyMax, "Text");
        var tags = string.Join(",", SplitTags(input.Tags ?? ""));
        errors.MaxLength("Tags", tags, KnowledgeLimits.TagsMax, "Tags");
        if (!Enum.IsDefined(input.State))
            errors.Add("State", $"State: {input.State} is not a state.");
        if (!Enum.IsDefined(input.Visibility))
            errors.Add("Visibility", $"Visible to: {input.Visibility} is not a choice.");
        if (!MayEdit(actor, input.DepartmentId))
            throw new DeskForbiddenException("You may write articles of your own departments only.");

        await using var db = await dbFactory.CreateForAsync(actor, ct);
        if (!await db.Departments.AnyAsync(d => d.Id == input.DepartmentId, ct))
            errors.Add("DepartmentId", "Department: choose one.");
        if (input.CategoryId is { } category && !await db.Categories.AnyAsync(c => c.Id == category && c.DepartmentId == input.DepartmentId, ct))
            errors.Add("CategoryId", "Category: choose one of the department's.");
        errors.ThrowIfAny();

        var now = clock.GetUtcNow().UtcDateTime;
        Article article;
        string note;
        if (input.Id is { } id)
        {
            article = await db.Articles.FirstOrDefaultAsync(a => a.Id == id, ct) ?? throw new DeskNotFoundException($"Article {id} does not exist.");
            if (!MayEdit(actor, article.DepartmentId))
                throw new DeskForbiddenException("You may write articles of your own departments only.");
            if (article.Version != input.Version)
                throw new DeskConflictException("Someone else saved this article since you opened it. Your text is kept in the form: copy it, reload to see theirs, then merge.");
            note = article.State != input.State ? input.State switch
            {
                ArticleState.Published => "Published",
                ArticleState.Archived => "Archived",
                _ => "Back to draft",
            } : "Edited";
            article.Version++;
        }
        else
        {
            article = db.Articles.Add(new Article { OwnerId = actor.UserId, CreatedAt = now }).Entity;
            note = input.State == ArticleState.Published ? "Written and published" : "Written";
        }

        (article.DepartmentId, article.CategoryId, article.Title, article.Summary, article.Body, article.Tags) =
            (input.DepartmentId, input.CategoryId, title, summary, body, tags);
        article.SearchText = ArticleMarkdown.ToPlainText(body);
        if (article.SearchText.Length > KnowledgeLimits.BodyMax)
            article.SearchText = article.SearchText[..KnowledgeLimits.BodyMax];
        (article.Visibility, article.ReviewBy, article.UpdatedAt) =
            (input.Visibility, input.ReviewBy?.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc), now);
        if (input.State == ArticleState.Published && article.State != ArticleState.Published)
            article.PublishedAt = now;
        article.State = input.State;
        article.Revision++;
        await db.SaveChangesAsync(ct);
        db.ArticleRevisions.Add(Revision(article, actor.UserId, now, note));
        await db.SaveChangesAsync(ct);
        return article.Id;
    }

    private static ArticleRevision Revision(Article a, string editorId, DateTime now, string note) => new()
    {
        ArticleId = a.Id, Number = a.Revision, Title = a.Title, Summary = a.Summary, Body = a.Body, Tags = a.Tags, State = a.State,
        Visibility = a.Visibility, EditorId = editorId, At = now, Note = note,
    };

    /// <summary>An article's revisions, newest first, for those who may edit it.</summary>
    public async Task<IReadOnlyList<RevisionRow>> RevisionsAsync(Actor actor, int id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var department = await db.Articles.Where(a => a.Id == id).Select(a => (int?)a.DepartmentId).FirstOrDefaultAsync(ct);
        if (department is null || !MayEdit(actor, department.Value))
            throw new DeskNotFoundException($"Article {id} does not exist or you may not edit it.");
        var rows = await db.ArticleRevisions.AsNoTracking().Where(r => r.ArticleId == id).OrderByDescending(r => r.Number)
            .Select(r => new { r.Number, r.Title, Editor = db.Users.Where(u => u.Id == r.EditorId).Select(u => u.DisplayName).First(), r.At, r.Note, r.State })
            .ToListAsync(ct);
        return rows.Select(r => new RevisionRow(r.Number, r.Title, r.Editor, r.At, r.Note, r.State)).ToList();
    }

    /// <summary>Makes an old revision's text the article's again, as a new revision (the history keeps both).</summary>
    public async Task RestoreAsync(Actor actor, int id, int number, int version, CancellationToken ct = default)
    {
        ArticleRevision old;
        Article current;
        await using (var db = await dbFactory.CreateForAsync(actor, ct))
        {
            current = await db.Articles.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct) ?? throw new DeskNotFoundException($"Article {id} does not exist.");
            old = await db.ArticleRevisions.AsNoTracking().FirstOrDefaultAsync(r => r.ArticleId == id && r.Number == number, ct)
                ?? throw new DeskNotFoundException($"Revision {number} of article {id} does not exist.");
        }

        await SaveAsync(actor, new ArticleInput(id, current.DepartmentId, old.Title, old.Summary, old.Body, old.Tags, current.State, current.Visibility,
            current.CategoryId, current.ReviewBy is { } day ? DateOnly.FromDateTime(day) : null, version), ct);
        await using var save = await dbFactory.CreateForAsync(actor, ct);
        await save.ArticleRevisions.Where(r => r.ArticleId == id && r.Number == current.Revision + 1)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Note, $"Restored revision {number}"), ct);
    }

    /// <summary>Records a reader's signal (a view, a vote with its comment, a deflection) on an article they may see.</summary>
    public Task SignalAsync(Actor actor, int id, ArticleSignalKind kind, string? comment = null, CancellationToken ct = default) =>
        kind == ArticleSignalKind.Used
            ? throw new DeskValidationException("Kind", "A use in a reply is counted when an agent puts the article into a reply on a ticket.")
            : RecordAsync(actor, id, kind, comment, null, ct);

    private async Task RecordAsync(Actor actor, int id, ArticleSignalKind kind, string? comment, int? ticketId, CancellationToken ct)
    {
        comment = string.IsNullOrWhiteSpace(comment) ? null : comment.Trim();
        var errors = new ValidationErrors();
        errors.MaxLength("Comment", comment, KnowledgeLimits.CommentMax, "Comment");
        errors.ThrowIfAny();
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var a = await db.Articles.AsNoTracking().Where(x => x.Id == id).Select(x => new { x.State, x.Visibility, x.DepartmentId }).FirstOrDefaultAsync(ct);
        if (a is null || !MaySee(actor, a.State, a.Visibility, a.DepartmentId))
            throw new DeskNotFoundException($"Article {id} does not exist or you may not read it.");
        db.ArticleSignals.Add(new ArticleSignal { ArticleId = id, Kind = kind, UserId = actor.UserId, Comment = comment, TicketId = ticketId, At = clock.GetUtcNow().UtcDateTime });
        await db.SaveChangesAsync(ct);
    }

    /// <summary>An agent put an article into a reply on a ticket they work: counted, and listed on the ticket.</summary>
    public async Task UseAsync(Actor actor, int articleId, int ticketId, CancellationToken ct = default)
    {
        await RequireWorksAsync(actor, ticketId, ct);
        await RecordAsync(actor, articleId, ArticleSignalKind.Used, null, ticketId, ct);
    }

    /// <summary>The articles agents put into replies on a ticket, most recent first.</summary>
    public async Task<IReadOnlyList<(int Id, string Title)>> UsedOnAsync(Actor actor, int ticketId, CancellationToken ct = default)
    {
        await RequireWorksAsync(actor, ticketId, ct);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var rows = await db.ArticleSignals.Where(s => s.TicketId == ticketId && s.Kind == ArticleSignalKind.Used)
            .GroupBy(s => s.ArticleId).Select(g => new { Id = g.Key, Last = g.Max(s => s.At) }).OrderByDescending(g => g.Last)
            .Join(db.Articles, g => g.Id, a => a.Id, (g, a) => new { a.Id, a.Title }).ToListAsync(ct);
        return rows.Select(r => (r.Id, r.Title)).ToList();
    }

    /// <summary>
    /// A draft article from the ticket's latest public reply by staff (its title the ticket's): a good answer written once
    /// becomes an article in one click, for its department's staff to finish and publish.
    /// </summary>
    public async Task<int> DraftFromReplyAsync(Actor actor, int ticketId, CancellationToken ct = default)
    {
        var ticket = await RequireWorksAsync(actor, ticketId, ct);
        string? reply;
        await using (var db = await dbFactory.CreateForAsync(actor, ct))
            reply = await db.TicketEvents.Where(e => e.TicketId == ticketId && e.Kind == Tickets.TicketEventKind.Reply && e.IsPublic
                    && e.ActorId != null && e.ActorId != ticket.RequesterId)
                .OrderByDescending(e => e.Id).Select(e => e.Body).FirstOrDefaultAsync(ct);
        if (string.IsNullOrWhiteSpace(reply))
            throw new DeskValidationException("Reply", "This ticket has no public reply by staff to make an article of yet.");
        var title = ticket.Title.Length > KnowledgeLimits.TitleMax ? ticket.Title[..KnowledgeLimits.TitleMax] : ticket.Title;
        return await SaveAsync(actor, new ArticleInput(null, ticket.DepartmentId, title, "", reply, "", ArticleState.Draft, ArticleVisibility.Everyone,
            ticket.CategoryId), ct);
    }

    private async Task<Tickets.Ticket> RequireWorksAsync(Actor actor, int ticketId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var ticket = await db.Tickets.AsNoTracking().FirstOrDefaultAsync(t => t.Id == ticketId, ct);
        if (ticket is null || !actor.CanWorkIn(ticket.DepartmentId))
            throw new DeskForbiddenException("Only the staff of the ticket's department use articles on it.");
        return ticket;
    }

    public static IReadOnlyList<string> SplitTags(string tags) =>
        tags.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(t => t.ToLowerInvariant()).Distinct().ToList();
}

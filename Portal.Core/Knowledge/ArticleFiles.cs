using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Persistence;
using Portal.Core.Security;
using Portal.Core.Tickets;

namespace Portal.Core.Knowledge;

/// <summary>A file of an article, without its bytes; <see cref="Link"/> is where a reader fetches it (images shown in place).</summary>
public sealed record ArticleFileRow(int Id, string FileName, string ContentType, long Size, DateTime UploadedAt)
{
    public bool IsImage => ArticleFileService.ShownInPlace(ContentType);
    public string Link => ArticleFileService.Link(Id);

    /// <summary>What an editor puts into the text to show or link it.</summary>
    public string Markdown => (IsImage ? "!" : "") + $"[{FileName.Replace("[", "(", StringComparison.Ordinal).Replace("]", ")", StringComparison.Ordinal)}]({Link})";
}

/// <summary>A file's bytes as served to a reader.</summary>
public sealed record ArticleFileContent(string FileName, string ContentType, byte[] Data, bool Inline);

/// <summary>
/// Files and images of articles: added and removed by those who may edit the article, read by those who may read it
/// (a staff-only or draft article's files reach no one else). The same types and sizes as a ticket's attachments; the
/// type is taken from the name, never from what the browser claims. Images (not SVG, which can carry script) are shown
/// in place; every other file is a download.
/// </summary>
public sealed class ArticleFileService(IDbContextFactory<DeskDbContext> dbFactory, TimeProvider clock)
{
    public static string Link(int id) => $"/kb/files/{id}";

    public static bool ShownInPlace(string contentType) => contentType is "image/png" or "image/jpeg" or "image/gif" or "image/webp";

    public async Task<IReadOnlyList<ArticleFileRow>> ListAsync(Actor actor, int articleId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        await RequireAsync(db, actor, articleId, edit: false, ct);
        return await db.ArticleFiles.Where(f => f.ArticleId == articleId).OrderBy(f => f.Id)
            .Select(f => new ArticleFileRow(f.Id, f.FileName, f.ContentType, f.Size, f.UploadedAt)).ToListAsync(ct);
    }

    public async Task<IReadOnlyList<ArticleFileRow>> AddAsync(Actor actor, int articleId, IReadOnlyList<NewAttachment> files, CancellationToken ct = default)
    {
        var errors = new ValidationErrors();
        AttachmentRules.Check(files, errors);
        errors.ThrowIfAny();
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        await RequireAsync(db, actor, articleId, edit: true, ct);
        var count = await db.ArticleFiles.CountAsync(f => f.ArticleId == articleId, ct);
        if (count + files.Count > KnowledgeLimits.FilesPerArticle)
            throw new DeskValidationException(AttachmentRules.Field,
                $"An article keeps at most {KnowledgeLimits.FilesPerArticle} files; it has {count}. Remove one it no longer needs first.");
        var now = clock.GetUtcNow().UtcDateTime;
        var added = files.Select(f => new ArticleFile
        {
            ArticleId = articleId, FileName = SafeText.FileName(f.FileName), ContentType = AttachmentRules.ContentTypeFor(f.FileName), Size = f.Data.LongLength,
            Data = f.Data, UploadedById = actor.UserId, UploadedAt = now,
        }).ToList();
        db.ArticleFiles.AddRange(added);
        await db.SaveChangesAsync(ct);
        return added.Select(f => new ArticleFileRow(f.Id, f.FileName, f.ContentType, f.Size, f.UploadedAt)).ToList();
    }

    public async Task RemoveAsync(Actor actor, int fileId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var articleId = await db.ArticleFiles.Where(f => f.Id == fileId).Select(f => (int?)f.ArticleId).FirstOrDefaultAsync(ct)
            ?? throw new DeskNotFoundException($"File {fileId} does not exist.");
        await RequireAsync(db, actor, articleId, edit: true, ct);
        await db.ArticleFiles.Where(f => f.Id == fileId).ExecuteDeleteAsync(ct);
    }

    public async Task<ArticleFileContent> GetAsync(Actor actor, int fileId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var file = await db.ArticleFiles.AsNoTracking().Where(f => f.Id == fileId)
            .Select(f => new { f.ArticleId, f.FileName, f.ContentType }).FirstOrDefaultAsync(ct);
        // The same answer for a file that is not there and one the reader may not see; the bytes are read only for a reader.
        if (file is null || !(await RightsAsync(db, actor, file.ArticleId, ct)).See)
            throw new DeskNotFoundException($"File {fileId} does not exist or you may not read it.");
        var data = await db.ArticleFiles.Where(f => f.Id == fileId).Select(f => f.Data).FirstAsync(ct);
        return new ArticleFileContent(file.FileName, file.ContentType, data, ShownInPlace(file.ContentType));
    }

    /// <summary>Whether the reader may see the article, and may edit it.</summary>
    private static async Task<(bool See, bool Edit)> RightsAsync(DeskDbContext db, Actor actor, int articleId, CancellationToken ct)
    {
        var a = await db.Articles.Where(x => x.Id == articleId).Select(x => new { x.State, x.Visibility, x.DepartmentId }).FirstOrDefaultAsync(ct);
        return a is null ? (false, false) : (KnowledgeService.MaySee(actor, a.State, a.Visibility, a.DepartmentId), KnowledgeService.MayEdit(actor, a.DepartmentId));
    }

    private static async Task RequireAsync(DeskDbContext db, Actor actor, int articleId, bool edit, CancellationToken ct)
    {
        var (see, mayEdit) = await RightsAsync(db, actor, articleId, ct);
        if (!see)
            throw new DeskNotFoundException($"Article {articleId} does not exist or you may not read it.");
        if (edit && !mayEdit)
            throw new DeskForbiddenException("You may change the files of your own departments' articles only.");
    }
}

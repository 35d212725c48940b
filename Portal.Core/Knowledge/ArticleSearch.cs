using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Persistence;

namespace Portal.Core.Knowledge;

/// <summary>A published article found by a search, with a snippet of its text (safe HTML: the matched words in &lt;mark&gt;).</summary>
public sealed record ArticleHit(int Id, string Title, string Summary, int DepartmentId, ArticleVisibility Visibility, string Snippet, double Rank);

/// <summary>
/// Full-text search over published articles: title, summary, tags and body, words in any order (the last one a prefix, so a
/// word being typed matches), stemmed (English), phrases in quotes, filler words left out, ranked with the title weighing most. SQLite: an FTS5 table
/// kept by triggers (porter stemming, diacritics folded), ranked by bm25. PostgreSQL: a weighted tsvector column with a
/// GIN index, ranked by ts_rank_cd. When every word together finds nothing, every word but one is tried in turn, so one
/// mistyped word does not empty the list.
/// </summary>
internal static partial class ArticleSearch
{
    private const char Start = '\u0002';
    private const char Stop = '\u0003';

    /// <summary>Words that say nothing about what someone needs ("my laptop is so loud": laptop, loud); kept inside quoted phrases.</summary>
    private static readonly HashSet<string> Filler =
    [
        "a", "an", "the", "is", "are", "am", "was", "were", "be", "been", "my", "me", "i", "im", "it", "its", "so", "to", "of", "in", "on", "at",
        "for", "and", "or", "with", "how", "do", "does", "did", "can", "could", "what", "where", "when", "why", "this", "that", "please", "hi",
        "hello", "very", "really", "just", "get", "got", "have", "has", "we", "our", "you", "your",
    ];

    /// <summary>
    /// The words and quoted phrases of a query, at most 8, letters and digits only, without filler words. The last word
    /// counts as a prefix (it may be half typed); the others as whole (stemmed) words.
    /// </summary>
    internal static IReadOnlyList<string[]> Terms(string text)
    {
        var terms = new List<string[]>();
        foreach (Match m in TermPattern().Matches(text ?? ""))
        {
            var phrase = m.Value.StartsWith('"');
            var words = WordPattern().Matches(m.Value).Select(w => w.Value.ToLowerInvariant())
                .Where(w => w.Length <= 40 && (phrase || !Filler.Contains(w))).ToArray();
            if (words.Length > 0)
                terms.Add(words);
            if (terms.Count == 8)
                break;
        }

        return terms;
    }

    /// <summary>
    /// A query that is one short word being typed (fewer than four letters): matched in titles first, then in summaries and
    /// tags, where a reader would look; in every text it would match half the articles and rank them all.
    /// </summary>
    private static bool Short(IReadOnlyList<string[]> terms) => terms.Count == 1 && terms[0].Length == 1 && terms[0][0].Length < 4;

    /// <summary>Where a short word is looked for: the title alone, then the title, summary and tags.</summary>
    private enum Scope { Everything, Title, Heading }

    /// <summary>
    /// A short word ranks only the 2,000 newest articles that have it (SQLite): a prefix of three letters can be in tens of thousands of
    /// titles at 100,000 articles, and ranking them all costs more than a keystroke may; the reader types on to narrow it.
    /// </summary>
    private const string NewestSqlite = """
         AND ArticleIndex.rowid >= (SELECT coalesce(min(rowid), 0) FROM (SELECT rowid FROM ArticleIndex WHERE ArticleIndex MATCH {0}
            ORDER BY rowid DESC LIMIT 2000))
        """;

    /// <summary>Whether the term is the query's last single word, searched as a prefix.</summary>
    private static bool Prefix(IReadOnlyList<string[]> terms, string[] term) => term.Length == 1 && ReferenceEquals(term, terms[^1]) && term[0].Length >= 2;

    private sealed record Row(int Id, string Title, string Summary, int DepartmentId, string Visibility, string Snippet, double Rank);

    public static async Task<IReadOnlyList<ArticleHit>> FindAsync(DeskDbContext db, string text, bool staff, int? departmentId, int take,
        CancellationToken ct)
    {
        var terms = Terms(text);
        if (terms.Count == 0)
            return [];
        if (Short(terms))
        {
            var titled = await QueryAsync(db, terms, Scope.Title, staff, departmentId, take, ct);
            if (titled.Count == take)
                return titled;
            var seen = titled.Select(h => h.Id).ToHashSet();
            return titled.Concat((await QueryAsync(db, terms, Scope.Heading, staff, departmentId, take, ct)).Where(h => !seen.Contains(h.Id)))
                .Take(take).ToList();
        }

        var hits = await QueryAsync(db, terms, Scope.Everything, staff, departmentId, take, ct);
        if (hits.Count > 0 || terms.Count < 2)
            return hits;
        // Nothing has every word: one of them may be mistyped or not in any article. Every word but one is tried in turn
        // (not any single word, which would bring everything that shares "floor" with the query).
        var found = new Dictionary<int, ArticleHit>();
        for (var i = 0; i < terms.Count; i++)
            foreach (var hit in await QueryAsync(db, terms.Where((_, j) => j != i).ToList(), Scope.Everything, staff, departmentId, take, ct))
                if (!found.TryGetValue(hit.Id, out var seen) || seen.Rank < hit.Rank)
                    found[hit.Id] = hit;
        return found.Values.OrderByDescending(h => h.Rank).ThenBy(h => h.Id).Take(take).ToList();
    }

    private static async Task<List<ArticleHit>> QueryAsync(DeskDbContext db, IReadOnlyList<string[]> terms, Scope scope, bool staff,
        int? departmentId, int take, CancellationToken ct)
    {
        var visibility = staff ? "" : " AND a.\"Visibility\" = 'Everyone'";
        var department = departmentId is null ? "" : " AND a.\"DepartmentId\" = {2}";
        var bounded = scope != Scope.Everything;
        List<Row> rows;
        if (db.Database.IsPostgres())
        {
            // Each word a prefix (word:*), a phrase its words in a row (a <-> b); headlines only for the rows kept.
            var query = string.Join(" & ", terms.Select(t => t.Length == 1 ? t[0] + (Prefix(terms, t) ? ":*" : "") : "(" + string.Join(" <-> ", t) + ")"))
                + scope switch { Scope.Title => "A", Scope.Heading => "AB", _ => "" };
            // A short word: its title, summary and tags alone, the newest articles that have it (ts_rank_cd gives a single word
            // the same rank in nearly every title, and ranking tens of thousands of rows to order ties costs 200 ms at 100,000).
            var vector = bounded ? "HeadingVector" : "SearchVector";
            var source = bounded
                ? $$"""(SELECT * FROM "Articles" a WHERE a."HeadingVector" @@ to_tsquery('english', {0}) AND a."State" = 'Published'{{visibility}}{{department}} ORDER BY a."Id" DESC LIMIT {1})"""
                : "\"Articles\"";
            // Only fixed fragments are put into the text; what the reader typed goes as a parameter.
            var sql = $$"""
                SELECT h."Id", h."Title", h."Summary", h."DepartmentId", h."Visibility",
                       ts_headline('english', h."SearchText", to_tsquery('english', {0}),
                           'StartSel={{Start}}, StopSel={{Stop}}, MaxWords=30, MinWords=12, MaxFragments=1, FragmentDelimiter=" … "') AS "Snippet",
                       h."Rank"
                FROM (
                    SELECT a."Id", a."Title", a."Summary", a."DepartmentId", a."Visibility", a."SearchText",
                           ts_rank_cd(a."{{vector}}", to_tsquery('english', {0}))::float8 AS "Rank"
                    FROM {{source}} a
                    WHERE a."{{vector}}" @@ to_tsquery('english', {0}) AND a."State" = 'Published'{{visibility}}{{department}}
                    ORDER BY "Rank" DESC, a."Id"
                    LIMIT {1}
                ) h
                ORDER BY h."Rank" DESC, h."Id"
                """;
            rows = await db.Database.SqlQueryRaw<Row>(sql, query, take, departmentId ?? 0).ToListAsync(ct);
        }
        else
        {
            // Each word a quoted prefix ("word"*), a phrase quoted; bm25 is lower for better matches.
            var query = scope switch { Scope.Title => "{Title} : ", Scope.Heading => "{Title Summary Tags} : ", _ => "" }
                + string.Join(" ", terms.Select(t => t.Length == 1 ? $"\"{t[0]}\"" + (Prefix(terms, t) ? "*" : "") : "\"" + string.Join(" ", t) + "\""));
            var sql = $$"""
                SELECT a."Id", a."Title", a."Summary", a."DepartmentId", a."Visibility",
                       snippet(ArticleIndex, 3, char(2), char(3), ' … ', 24) AS "Snippet",
                       -ArticleIndex.rank AS "Rank"
                FROM ArticleIndex JOIN "Articles" a ON a."Id" = ArticleIndex.rowid
                WHERE ArticleIndex MATCH {0} AND a."State" = 'Published'{{visibility}}{{department}}{{(bounded ? NewestSqlite : "")}}
                ORDER BY ArticleIndex.rank, a."Id"
                LIMIT {1}
                """;
            rows = await db.Database.SqlQueryRaw<Row>(sql, query, take, departmentId ?? 0).ToListAsync(ct);
        }

        return rows.Select(r => new ArticleHit(r.Id, r.Title, r.Summary, r.DepartmentId, Enum.Parse<ArticleVisibility>(r.Visibility),
            Snippet(r.Snippet), r.Rank)).ToList();
    }

    /// <summary>The engine's snippet as safe HTML: the text encoded, the matched words marked.</summary>
    internal static string Snippet(string raw) =>
        WebUtility.HtmlEncode(raw ?? "").Replace(Start.ToString(), "<mark>", StringComparison.Ordinal).Replace(Stop.ToString(), "</mark>", StringComparison.Ordinal);

    [GeneratedRegex("\"[^\"]+\"|[^\\s\"]+")]
    private static partial Regex TermPattern();

    [GeneratedRegex(@"[\p{L}\p{N}]+")]
    private static partial Regex WordPattern();
}

using Portal.Core.Audit;
using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Persistence;
using Portal.Core.Security;
using Portal.Core.Tickets;

namespace Portal.Core.Assets;

/// <summary>One problem of an import: the file line, the column and why.</summary>
public sealed record ImportError(int Line, string Column, string Message);

public sealed record ImportRow(int Line, AssetInput Input);

/// <summary>A checked file: the rows that will be imported and every row that will not, with why.</summary>
public sealed record ImportPlan(IReadOnlyList<ImportRow> Valid, IReadOnlyList<ImportError> Errors, int Rows)
{
    public int InvalidRows => Errors.Where(e => e.Line > 1).Select(e => e.Line).Distinct().Count();
    public bool FileRefused => Errors.Any(e => e.Line <= 1 && e.Column != "");
}

public sealed record ImportResult(int Imported, IReadOnlyList<ImportError> Errors);

/// <summary>
/// CSV import and export of assets with the same columns both ways (export, edit, import into another install).
/// An import is checked whole first (the preview); then each valid row is added, an invalid row never half-added.
/// </summary>
public sealed class AssetCsv(IDbContextFactory<DeskDbContext> dbFactory, TimeProvider clock, AssetService assets)
{
    public static readonly string[] Columns =
        ["Tag", "Name", "Type", "Serial", "Make", "Model", "Site", "Building", "Floor", "Room", "Department", "AssignedTo", "Status",
         "PurchaseDate", "WarrantyEnd", "Notes"];

    private static readonly string[] RequiredColumns = ["Tag", "Name", "Type", "Department"];
    public const int MaxRows = 200_000;
    private const int BatchSize = 500;

    private static CsvConfiguration Config => new(CultureInfo.InvariantCulture)
    {
        DetectDelimiter = true, TrimOptions = TrimOptions.Trim, MissingFieldFound = null, BadDataFound = null,
    };

    public async Task<ImportPlan> CheckAsync(Actor actor, Stream file, CancellationToken ct = default)
    {
        if (!actor.IsStaff)
            throw new DeskForbiddenException("Only agents, supervisors and admins import assets.");
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var types = await db.AssetTypes.AsNoTracking().Include(t => t.Fields).Where(t => t.IsActive).ToListAsync(ct);
        var departments = await db.Departments.AsNoTracking().ToListAsync(ct);
        var existing = (await db.Assets.AsNoTracking().Select(a => a.TagKey).ToListAsync(ct)).ToHashSet();
        var people = await db.Users.AsNoTracking().Where(u => u.IsActive && u.NormalizedEmail != null)
            .Select(u => new { u.Id, u.NormalizedEmail }).ToDictionaryAsync(u => u.NormalizedEmail!, u => u.Id, ct);

        using var reader = new StreamReader(file);
        using var csv = new CsvReader(reader, Config);
        var errors = new List<ImportError>();
        var valid = new List<ImportRow>();
        if (!await csv.ReadAsync() || !csv.ReadHeader() || csv.HeaderRecord is not { Length: > 0 } header)
            return new ImportPlan([], [new ImportError(1, "(file)", "The file is empty: the first line must name the columns.")], 0);
        var headers = header.Select(h => h.Trim()).ToArray();
        foreach (var missing in RequiredColumns.Where(c => !headers.Contains(c, StringComparer.OrdinalIgnoreCase)))
            errors.Add(new ImportError(1, missing, $"The column {missing} is missing; the file needs {string.Join(", ", RequiredColumns)}."));
        if (errors.Count > 0)
            return new ImportPlan([], errors, 0);
        var fieldLabels = types.SelectMany(t => t.Fields).Select(f => f.Label).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var unknown in headers.Where(h => !Columns.Contains(h, StringComparer.OrdinalIgnoreCase) && !fieldLabels.Contains(h)))
            errors.Add(new ImportError(1, unknown, $"Column {unknown} is neither an asset column nor a custom field; it is ignored."));

        var seen = new HashSet<string>();
        var rows = 0;
        while (await csv.ReadAsync())
        {
            ct.ThrowIfCancellationRequested();
            rows++;
            var line = csv.Parser.RawRow;
            if (rows > MaxRows)
            {
                errors.Add(new ImportError(line, "(file)", $"Only {MaxRows:N0} rows are read from one file; split it."));
                break;
            }

            string? Cell(string column)
            {
                var i = Array.FindIndex(headers, h => string.Equals(h, column, StringComparison.OrdinalIgnoreCase));
                return i < 0 ? null : SafeCsv.Unescape(csv.GetField(i));
            }

            var rowErrors = new ValidationErrors();
            var type = types.FirstOrDefault(t => string.Equals(t.Name, Cell("Type"), StringComparison.OrdinalIgnoreCase));
            if (type is null)
                rowErrors.Add("Type", $"Type \"{Cell("Type")}\" is not an asset type (there are: {string.Join(", ", types.Select(t => t.Name))}).");
            var departmentText = Cell("Department") ?? "";
            var department = departments.FirstOrDefault(d => string.Equals(d.Code, departmentText, StringComparison.OrdinalIgnoreCase)
                || string.Equals(d.Name, departmentText, StringComparison.OrdinalIgnoreCase));
            if (department is null)
                rowErrors.Add("Department", $"Department \"{departmentText}\" is neither a department code nor a name.");
            else if (!actor.CanWorkIn(department.Id))
                rowErrors.Add("Department", $"You may only import assets of departments you work in (not {department.Name}).");
            string? assignee = null;
            if (Cell("AssignedTo") is { Length: > 0 } email && !people.TryGetValue(email.ToUpperInvariant(), out assignee))
                rowErrors.Add("AssignedTo", $"No active user has the email {email}.");
            var status = AssetStatus.InUse;
            if (Cell("Status") is { Length: > 0 } statusText)
            {
                if (AssetDisplay.ParseStatus(statusText) is { } s)
                    status = s;
                else
                    rowErrors.Add("Status", $"Status \"{statusText}\" must be one of: In use, In stock, In repair, Retired.");
            }

            var input = new AssetInput(Cell("Tag"), Cell("Name"), type?.Id ?? 0, department?.Id ?? 0, status, Cell("Serial"), Cell("Make"),
                Cell("Model"), Cell("Site"), Cell("Building"), Cell("Floor"), Cell("Room"), assignee,
                Date("PurchaseDate", Cell("PurchaseDate"), rowErrors), Date("WarrantyEnd", Cell("WarrantyEnd"), rowErrors), Cell("Notes"))
            {
                Fields = type is null ? new Dictionary<int, string?>() : type.Fields.ToDictionary(f => f.Id, f => Cell(f.Label)),
            };
            var clean = AssetRules.Check(input, type ?? new AssetType(), rowErrors);
            var key = clean.Tag.ToUpperInvariant();
            if (key.Length > 0 && existing.Contains(key))
                rowErrors.Add("Tag", $"Tag {clean.Tag} is already on an asset in the registry.");
            else if (key.Length > 0 && !seen.Add(key))
                rowErrors.Add("Tag", $"Tag {clean.Tag} appears on an earlier line of this file too.");

            try
            {
                rowErrors.ThrowIfAny();
                valid.Add(new ImportRow(line, input));
            }
            catch (DeskValidationException ex)
            {
                errors.AddRange(ex.Errors.Select(e => new ImportError(line, ColumnOf(e.Key, type), e.Value)));
            }
        }

        return new ImportPlan(valid, errors, rows);
    }

    private static DateOnly? Date(string column, string? text, ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        if (DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            return d;
        errors.Add(column, $"{column} must be a date as YYYY-MM-DD (got \"{text}\").");
        return null;
    }

    private static string ColumnOf(string key, AssetType? type) =>
        key.StartsWith("Fields[", StringComparison.Ordinal) && int.TryParse(key[7..^1], out var id)
            ? type?.Fields.FirstOrDefault(f => f.Id == id)?.Label ?? key
            : key;

    /// <summary>
    /// Adds the plan's valid rows in batches, one transaction each, reporting how many rows are done. A row whose tag was
    /// taken since the check is reported, not added; the rest of its batch still goes in.
    /// </summary>
    public async Task<ImportResult> ImportAsync(Actor actor, ImportPlan plan, IProgress<int>? progress = null, CancellationToken ct = default)
    {
        if (!actor.IsStaff)
            throw new DeskForbiddenException("Only agents, supervisors and admins import assets.");
        await using var db0 = await dbFactory.CreateForAsync(actor, ct);
        var types = await db0.AssetTypes.AsNoTracking().Include(t => t.Fields).ToDictionaryAsync(t => t.Id, ct);
        var errors = new List<ImportError>();
        var done = 0;
        foreach (var batch in plan.Valid.Chunk(BatchSize))
        {
            await using var db = await dbFactory.CreateForAsync(actor, ct);
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var keys = batch.Select(r => (r.Input.Tag ?? "").Trim().ToUpperInvariant()).ToList();
            var taken = (await db.Assets.Where(a => keys.Contains(a.TagKey)).Select(a => a.TagKey).ToListAsync(ct)).ToHashSet();
            var now = clock.GetUtcNow().UtcDateTime;
            var added = new List<Asset>();
            foreach (var row in batch)
            {
                var rowErrors = new ValidationErrors();
                var type = types.GetValueOrDefault(row.Input.TypeId);
                var clean = AssetRules.Check(row.Input, type, rowErrors);
                if (!actor.CanWorkIn(row.Input.DepartmentId))
                    rowErrors.Add("Department", "You may only import assets of departments you work in.");
                if (!taken.Add(clean.Tag.ToUpperInvariant()))
                    rowErrors.Add("Tag", $"Tag {clean.Tag} was added to the registry after the file was checked.");
                if (rowErrors.Any)
                {
                    try
                    {
                        rowErrors.ThrowIfAny();
                    }
                    catch (DeskValidationException ex)
                    {
                        errors.AddRange(ex.Errors.Select(e => new ImportError(row.Line, ColumnOf(e.Key, type), e.Value)));
                    }

                    continue;
                }

                var asset = new Asset { CreatedAt = now, Version = 1 };
                AssetService.Apply(asset, clean, row.Input, now);
                asset.FieldValues.AddRange(clean.Fields.Select(f => new AssetFieldValue { FieldId = f.Key, Value = f.Value }));
                added.Add(asset);
            }

            db.Assets.AddRange(added);
            await db.SaveChangesAsync(ct);
            db.AssetChanges.AddRange(added.Select(a => new AssetChange
            {
                AssetId = a.Id, At = now, ActorId = actor.UserId, Subject = "Created", NewValue = AssetDisplay.Status(a.Status),
                OldValue = null,
            }));
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            done += batch.Length;
            progress?.Report(done);
        }

        return new ImportResult(plan.Valid.Count - errors.Select(e => e.Line).Distinct().Count(), errors);
    }

    /// <summary>Writes every asset the query matches (all pages), with the import's columns and one column per custom field.</summary>
    public async Task WriteAsync(Actor actor, AssetQuery query, TextWriter writer, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var filtered = assets.Filter(db, actor, query);
        var ids = await AssetService.Sort(filtered, query.Sort, query.Descending).Select(a => a.Id).ToListAsync(ct);
        var fieldLabels = await db.AssetFields.AsNoTracking().Where(f => f.IsActive).OrderBy(f => f.Label)
            .Select(f => f.Label).Distinct().ToListAsync(ct);
        await using var csv = SafeCsv.Writer(writer);
        foreach (var column in Columns.Concat(fieldLabels))
            csv.WriteField(column);
        await csv.NextRecordAsync();
        foreach (var chunk in ids.Chunk(1000))
        {
            var rows = await db.Assets.AsNoTracking().Where(a => chunk.Contains(a.Id))
                .Select(a => new
                {
                    a.Id, a.Tag, a.Name, Type = a.Type!.Name, a.Serial, a.Make, a.Model, a.Site, a.Building, a.Floor, a.Room,
                    Department = a.Department!.Code, Email = a.AssignedTo != null ? a.AssignedTo.Email : null, a.Status, a.PurchaseDate,
                    a.WarrantyEnd, a.Notes, Fields = a.FieldValues.Select(v => new { v.Field!.Label, v.Value }).ToList(),
                })
                .ToDictionaryAsync(a => a.Id, ct);
            foreach (var id in chunk)
            {
                var a = rows[id];
                foreach (var value in new[] { a.Tag, a.Name, a.Type, a.Serial, a.Make, a.Model, a.Site, a.Building, a.Floor, a.Room,
                             a.Department, a.Email, AssetDisplay.Status(a.Status), a.PurchaseDate?.ToString("yyyy-MM-dd"),
                             a.WarrantyEnd?.ToString("yyyy-MM-dd"), a.Notes })
                    csv.WriteField(value ?? "");
                foreach (var label in fieldLabels)
                    csv.WriteField(a.Fields.FirstOrDefault(f => f.Label == label)?.Value ?? "");
                await csv.NextRecordAsync();
            }
        }

        await csv.FlushAsync();
    }
}

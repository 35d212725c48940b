using Portal.Core.Common;
using System.Globalization;
using System.Text.Json;
using CsvHelper;
using Portal.Core.Persistence;

namespace Portal.Core.Audit;

/// <summary>
/// The audit trail as files a third party can re-verify without the desk: every hashed field exactly as it went into
/// the hash (the time as <c>yyyy-MM-ddTHH:mm:ss.fffffffZ</c>), the previous hash and the hash, plus two fields for
/// reading only (the acting person's name and the ticket's key) that are not hashed. docs/audit.md says how to check.
/// </summary>
public sealed class AuditExport(AuditService audit)
{
    public static readonly string[] Columns =
    [
        "Id", "At", "ActorKind", "ActorId", "Action", "EntityType", "EntityId", "TicketId", "Before", "After", "Source", "PrevHash", "Hash",
        "ActorName", "TicketKey",
    ];

    public async Task<int> WriteCsvAsync(Security.Actor actor, AuditQuery query, TextWriter writer, CancellationToken ct = default)
    {
        await using var csv = SafeCsv.Writer(writer);
        foreach (var column in Columns)
            csv.WriteField(column);
        await csv.NextRecordAsync();
        var count = 0;
        await foreach (var (e, name, key) in audit.ExportAsync(actor, query, ct))
        {
            foreach (var value in Values(e))
                csv.WriteField(value);
            csv.WriteField(name);
            csv.WriteField(key);
            await csv.NextRecordAsync();
            count++;
        }

        await csv.FlushAsync();
        return count;
    }

    /// <summary>A JSON array of objects with the columns above; null fields are written as null.</summary>
    public async Task<int> WriteJsonAsync(Security.Actor actor, AuditQuery query, Stream stream, CancellationToken ct = default)
    {
        await using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = AuditJson.Options.Encoder });
        json.WriteStartArray();
        var count = 0;
        await foreach (var (e, name, key) in audit.ExportAsync(actor, query, ct))
        {
            json.WriteStartObject();
            var values = Values(e).Append(name).Append(key).ToArray();
            for (var i = 0; i < Columns.Length; i++)
            {
                if (Columns[i] is "Id" or "TicketId" && values[i] is { } number)
                    json.WriteNumber(Columns[i], long.Parse(number, CultureInfo.InvariantCulture));
                else
                    json.WriteString(Columns[i], values[i]);
            }

            json.WriteEndObject();
            if (++count % 1000 == 0)
                await json.FlushAsync(ct);
        }

        json.WriteEndArray();
        await json.FlushAsync(ct);
        return count;
    }

    private static IEnumerable<string?> Values(AuditEntry e) =>
    [
        e.Id.ToString(CultureInfo.InvariantCulture), AuditChain.Instant(e.At), e.ActorKind.ToString(), e.ActorId, e.Action, e.EntityType, e.EntityId,
        e.TicketId?.ToString(CultureInfo.InvariantCulture), e.Before, e.After, e.Source, e.PrevHash, e.Hash,
    ];
}

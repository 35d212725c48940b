using System.Globalization;
using Portal.Core.Complaints;

namespace Portal.Features.Complaints;

/// <summary>What the complaint forms hold while someone types: strings and choices, turned into the Core's inputs on save.</summary>
public sealed class ComplaintModel
{
    public int? DepartmentId { get; set; }
    public string? Title { get; set; }
    public string? Description { get; set; }
    public string? Complainant { get; set; }
    public string? ComplainantContact { get; set; }
    public ComplaintChannel Channel { get; set; } = ComplaintChannel.Portal;
    public ComplaintSubject About { get; set; } = ComplaintSubject.Service;
    public string? AboutDetail { get; set; }
    public ComplaintSeverity Severity { get; set; } = ComplaintSeverity.Medium;
    public bool Regulatory { get; set; }

    /// <summary>The day it reached us, yyyy-MM-dd; empty means today.</summary>
    public string? ReceivedOn { get; set; }
    public string? RootCause { get; set; }
    public ComplaintOutcome? Outcome { get; set; }
    public string? Redress { get; set; }
    public string? LessonsLearned { get; set; }

    /// <summary>The received day as an instant: now when it is today (or empty), else that day's start (UTC); null when unreadable.</summary>
    public DateTime? ReceivedAt(DateTime now)
    {
        if (string.IsNullOrWhiteSpace(ReceivedOn))
            return now;
        if (!DateOnly.TryParseExact(ReceivedOn, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            return null;
        return day == DateOnly.FromDateTime(now) ? now : day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
    }

    public ComplaintInput ToInput(DateTime now) => new(DepartmentId ?? 0, Title, Description, Complainant, ComplainantContact, Channel, About,
        AboutDetail, Severity, Regulatory, ReceivedAt(now));

    /// <summary>The form as an edit; the received instant stays as it was unless another day was chosen.</summary>
    public ComplaintEdit ToEdit(DateTime now, DateTime received) => new(Complainant, ComplainantContact, Channel, About, AboutDetail, Severity,
        Regulatory, string.IsNullOrWhiteSpace(ReceivedOn) || ReceivedOn == Day(received) ? received : ReceivedAt(now) ?? received,
        RootCause, Outcome, Redress, LessonsLearned);

    public static ComplaintModel From(ComplaintEdit e) => new()
    {
        Complainant = e.Complainant, ComplainantContact = e.ComplainantContact, Channel = e.Channel, About = e.About, AboutDetail = e.AboutDetail,
        Severity = e.Severity, Regulatory = e.Regulatory, ReceivedOn = Day(e.ReceivedAt), RootCause = e.RootCause, Outcome = e.Outcome,
        Redress = e.Redress, LessonsLearned = e.LessonsLearned,
    };

    public static string Day(DateTime at) => at.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

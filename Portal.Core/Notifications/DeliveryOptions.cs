namespace Portal.Core.Notifications;

/// <summary>The "Notifications" configuration section: channels, retries and the portal's address for deep links.</summary>
public sealed class DeliveryOptions
{
    public const string Section = "Notifications";

    /// <summary>The portal's public address, for links in messages (e.g. https://desk.example.org).</summary>
    public string BaseUrl { get; set; } = "http://localhost:5080";

    /// <summary>Attempts before a message moves to dead letter.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>First retry delay; each later one doubles, up to an hour.</summary>
    public TimeSpan FirstRetryAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the dispatcher looks for messages to send.</summary>
    public int DispatchSeconds { get; set; } = 5;

    public EmailOptions Email { get; set; } = new();

    public List<WebhookOptions> Webhooks { get; set; } = [];

    public SmsOptions Sms { get; set; } = new();

    public TemplateOptions Templates { get; set; } = new();
}

/// <summary>
/// An HTTP SMS gateway: a form POST to <see cref="Url"/> with the configured fields, in which {to}, {text} and {from}
/// are replaced; basic authentication when a user name is set. For paging on-call people of urgent tickets.
/// </summary>
public sealed class SmsOptions
{
    public bool Enabled => !string.IsNullOrWhiteSpace(Url);
    public string? Url { get; set; }
    public string? UserName { get; set; }
    public string? Password { get; set; }
    public string From { get; set; } = "Desk";

    /// <summary>Only tickets of this priority or higher are paged.</summary>
    public Tickets.TicketPriority MinimumPriority { get; set; } = Tickets.TicketPriority.Critical;

    /// <summary>The form fields the gateway expects; the defaults suit many gateways.</summary>
    public Dictionary<string, string> Fields { get; set; } = new() { ["to"] = "{to}", ["text"] = "{text}", ["from"] = "{from}" };
}

public sealed class EmailOptions
{
    /// <summary>Off until a host is configured.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(Host);

    public string? Host { get; set; }
    public int Port { get; set; } = 587;

    /// <summary>None, Auto, SslOnConnect, StartTls or StartTlsWhenAvailable (MailKit's SecureSocketOptions).</summary>
    public string Security { get; set; } = "StartTlsWhenAvailable";

    /// <summary>Leave empty for a relay without authentication; set the password from the environment or user secrets.</summary>
    public string? UserName { get; set; }

    public string? Password { get; set; }
    public string From { get; set; } = "InternalDesk <desk@localhost>";

    /// <summary>Seconds to wait for the server before an attempt counts as failed.</summary>
    public int TimeoutSeconds { get; set; } = 30;
}

public sealed class WebhookOptions
{
    public string Name { get; set; } = "";
    public string Url { get; set; } = "";

    /// <summary>Signs each body: header X-InternalDesk-Signature: sha256=HEX(HMAC-SHA256(secret, body)).</summary>
    public string? Secret { get; set; }

    /// <summary>Generic (the full event as JSON), Teams or Slack (a "text" message their incoming webhooks accept).</summary>
    public string Format { get; set; } = "Generic";

    /// <summary>Only events of these department codes (e.g. IT); empty for all.</summary>
    public List<string> Departments { get; set; } = [];
}

using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LeakMonitor.Core.Http;

namespace LeakMonitor.Core.Response;

/// <summary>
/// Where to respond when a registered secret leaks, configured per secret at registration: a signed rotation webhook,
/// Slack and Teams channels, and GitHub token revocation. Several may be configured; each acts once per incident.
/// </summary>
public sealed record Responder(string Type, string? Url)
{
    /// <summary>A stable key per responder (type + URL digest), recorded on the incident once it has acted.</summary>
    public string Key => Url is null ? Type
        : $"{Type}:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Url)))[..12]}";
}

public static class ResponderTypes
{
    /// <summary>The owner's signed rotation/revocation webhook (the same call as the legacy <c>webhookUrl</c>).</summary>
    public const string Webhook = "webhook";
    /// <summary>A Slack incoming webhook: Block Kit message.</summary>
    public const string Slack = "slack";
    /// <summary>A Teams Workflows webhook: Adaptive Card.</summary>
    public const string Teams = "teams";
    /// <summary>GitHub credential revocation for GitHub tokens (no URL: <c>GitHub:ApiBaseUrl</c> is used).</summary>
    public const string GitHub = "github";

    public static readonly string[] All = [Webhook, Slack, Teams, GitHub];

    public static bool IsAlertChannel(string type) => type is Slack or Teams;
}

/// <summary>Reads, validates and stores the responders of a registration.</summary>
public static class Responders
{
    public const int MaxPerSecret = 10;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static List<Responder> Parse(string? stored)
        => string.IsNullOrEmpty(stored) ? [] : JsonSerializer.Deserialize<List<Responder>>(stored, Json) ?? [];

    public static string Serialize(IEnumerable<Responder> responders) => JsonSerializer.Serialize(responders, Json);

    /// <summary>The responders of a registration: the listed ones, plus the legacy <c>webhookUrl</c> as a webhook.</summary>
    public static List<Responder> Effective(string? storedResponders, string? legacyWebhookUrl)
    {
        var list = Parse(storedResponders);
        if (!string.IsNullOrEmpty(legacyWebhookUrl) && !list.Any(r => r.Type == ResponderTypes.Webhook && r.Url == legacyWebhookUrl))
        {
            list.Insert(0, new Responder(ResponderTypes.Webhook, legacyWebhookUrl));
        }
        return list;
    }

    /// <summary>Why each requested responder is refused (field name → messages); empty when all are acceptable.</summary>
    public static Dictionary<string, string[]> Validate(IReadOnlyList<Responder?>? responders, OutboundGuard guard)
    {
        var errors = new Dictionary<string, string[]>();
        if (responders is null)
        {
            return errors;
        }
        if (responders.Count > MaxPerSecret)
        {
            errors["responders"] = [$"at most {MaxPerSecret} responders per secret"];
            return errors;
        }
        for (var i = 0; i < responders.Count; i++)
        {
            var r = responders[i];
            if (r is null || !ResponderTypes.All.Contains(r.Type))
            {
                errors[$"responders[{i}].type"] = [$"must be one of {string.Join(", ", ResponderTypes.All)}"];
                continue;
            }
            if (r.Type == ResponderTypes.GitHub)
            {
                if (r.Url is not null)
                {
                    errors[$"responders[{i}].url"] = ["must be omitted for github: the GitHub API base URL is a setting"];
                }
                continue;
            }
            // Slack and Teams URLs go through the same SSRF guard as webhooks: https to a public address.
            if (guard.Validate(r.Url) is { } urlError)
            {
                errors[$"responders[{i}].url"] = [urlError];
            }
        }
        return errors;
    }
}

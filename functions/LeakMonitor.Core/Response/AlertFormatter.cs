using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LeakMonitor.Core.Response;

/// <summary>
/// Renders alerts for Slack (Block Kit, <c>{text, blocks}</c>, text being the notification fallback) and Teams
/// Workflows (an Adaptive Card 1.5 in a message attachment, at most 28 KB). Every field that comes from outside
/// (labels, paste URLs) is truncated and escaped: a crafted URL cannot inject mrkdwn links or mentions.
/// </summary>
public static class AlertFormatter
{
    public const int TeamsMaxBytes = 28 * 1024;
    public const string AdaptiveCardContentType = "application/vnd.microsoft.card.adaptive";
    private const int MaxField = 300;

    public static string Title(Alert a) => a.Kind switch
    {
        AlertKind.Digest when a.Rotation.State == RotationState.SomeFailed =>
            $"Rotation failed for secrets leaked in one document ({a.DocumentHits} registered secrets of team {a.Team})",
        AlertKind.Digest => $"{a.DocumentHits} registered secrets of team {a.Team} leaked in one document",
        AlertKind.RotationFailed => $"Rotation failed for leaked secret \"{Truncate(a.Label, 100)}\"",
        AlertKind.RotationRecovered => $"Rotation succeeded after all for leaked secret \"{Truncate(a.Label, 100)}\"",
        _ => a.Rotation.State == RotationState.Failed
            ? $"Leaked secret \"{Truncate(a.Label, 100)}\": rotation failed"
            : $"Leaked secret \"{Truncate(a.Label, 100)}\"",
    };

    private static List<(string Title, string Value)> Facts(Alert a)
    {
        var facts = new List<(string, string)> { ("Team", a.Team), ("Where", a.Url) };
        if (a.Kind == AlertKind.Digest)
        {
            facts.Add(("Secrets in this document", a.DocumentHits.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        else
        {
            facts.Add(("Secret", $"{a.Label} ({a.SecretId})"));
            facts.Add(("Line", $"{a.Line} (found via {a.DecoderChain})"));
            facts.Add(("Incident", a.IncidentId));
        }
        facts.Add(("Source", a.SourceId));
        facts.Add(("Detected", a.DetectedAt.ToString("u", System.Globalization.CultureInfo.InvariantCulture)));
        return facts.Select(f => (f.Item1, Truncate(f.Item2, MaxField))).ToList();
    }

    public static byte[] Slack(Alert a)
    {
        var title = Title(a);
        var fields = new JsonArray();
        foreach (var (name, value) in Facts(a))
        {
            fields.Add(new JsonObject { ["type"] = "mrkdwn", ["text"] = $"*{name}*\n{EscapeMrkdwn(value)}" });
        }
        var payload = new JsonObject
        {
            ["text"] = EscapeMrkdwn($"{title} — {Truncate(a.Url, MaxField)}. {a.Rotation.Text}"),
            ["blocks"] = new JsonArray
            {
                new JsonObject
                {
                    ["type"] = "header",
                    ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = Truncate(title, 150) },
                },
                new JsonObject
                {
                    ["type"] = "section",
                    ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = EscapeMrkdwn(a.Rotation.Text) },
                    ["fields"] = fields,
                },
                new JsonObject
                {
                    ["type"] = "context",
                    ["elements"] = new JsonArray
                    {
                        new JsonObject
                        {
                            ["type"] = "mrkdwn",
                            ["text"] = "LeakMonitor never sends the secret itself. Details: GET /api/incidents",
                        },
                    },
                },
            },
        };
        return JsonSerializer.SerializeToUtf8Bytes(payload);
    }

    /// <summary>The Adaptive Card alone (what the schema test validates).</summary>
    public static JsonObject AdaptiveCard(Alert a)
    {
        var facts = new JsonArray();
        foreach (var (name, value) in Facts(a))
        {
            facts.Add(new JsonObject { ["title"] = name, ["value"] = value });
        }
        return new JsonObject
        {
            ["type"] = "AdaptiveCard",
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["version"] = "1.5",
            ["body"] = new JsonArray
            {
                new JsonObject
                {
                    ["type"] = "TextBlock", ["text"] = Title(a), ["weight"] = "Bolder", ["size"] = "Medium",
                    ["color"] = "Attention", ["wrap"] = true,
                },
                new JsonObject
                {
                    ["type"] = "TextBlock", ["text"] = a.Rotation.Text, ["wrap"] = true,
                    ["color"] = a.Rotation.State is RotationState.Failed or RotationState.SomeFailed ? "Attention" : "Default",
                },
                new JsonObject { ["type"] = "FactSet", ["facts"] = facts },
                new JsonObject
                {
                    ["type"] = "TextBlock", ["text"] = "LeakMonitor never sends the secret itself.",
                    ["isSubtle"] = true, ["size"] = "Small", ["wrap"] = true,
                },
            },
        };
    }

    public static byte[] Teams(Alert a)
    {
        var payload = new JsonObject
        {
            ["type"] = "message",
            ["attachments"] = new JsonArray
            {
                new JsonObject { ["contentType"] = AdaptiveCardContentType, ["content"] = AdaptiveCard(a) },
            },
        };
        var bytes = JsonSerializer.SerializeToUtf8Bytes(payload);
        // Fields are truncated, so this cannot trigger; it guards the Workflows limit if the card ever grows.
        return bytes.Length <= TeamsMaxBytes ? bytes
            : throw new InvalidOperationException($"Teams card is {bytes.Length} bytes, over the {TeamsMaxBytes} limit.");
    }

    internal static string Truncate(string value, int max)
        => value.Length <= max ? value : string.Concat(value.AsSpan(0, max - 1), "…");

    /// <summary>Slack mrkdwn control characters: &amp;, &lt; and &gt; must be escaped.</summary>
    internal static string EscapeMrkdwn(string value)
        => new StringBuilder(value).Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").ToString();
}

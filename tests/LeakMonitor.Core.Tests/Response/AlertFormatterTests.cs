using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using LeakMonitor.Core.Response;

namespace LeakMonitor.Core.Tests.Response;

public sealed class AlertFormatterTests
{
    private static readonly JsonSchema TeamsSchema = LoadSchema();

    private static Alert Sample(AlertKind kind = AlertKind.Leak, RotationSummary? rotation = null, string label = "ci token",
        string url = "https://pastes.example/raw/abcd")
        => new(kind, "blue-team", "9f0c5e", "3b2a", label, "src-1", url, 2, "base64>plain",
            new DateTimeOffset(2026, 12, 4, 16, 0, 0, TimeSpan.Zero),
            rotation ?? new RotationSummary(RotationState.Rotated, "answered 202"), kind == AlertKind.Digest ? 500 : 1);

    public static TheoryData<AlertKind, RotationState> Kinds => new()
    {
        { AlertKind.Leak, RotationState.Rotated },
        { AlertKind.Leak, RotationState.Failed },
        { AlertKind.Leak, RotationState.NotConfigured },
        { AlertKind.RotationFailed, RotationState.Failed },
        { AlertKind.RotationRecovered, RotationState.Rotated },
        { AlertKind.Digest, RotationState.PerSecret },
        { AlertKind.Digest, RotationState.SomeFailed },
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Teams_alert_is_a_workflows_message_whose_card_validates_against_the_adaptive_card_schema(
        AlertKind kind, RotationState state)
    {
        var payload = AlertFormatter.Teams(Sample(kind, new RotationSummary(state, "answered 500")));
        var result = Validate(payload);
        Assert.True(result.IsValid, Describe(result));
        Assert.True(payload.Length <= AlertFormatter.TeamsMaxBytes);
    }

    [Fact]
    public void The_schema_check_refuses_a_card_with_a_wrong_color_or_a_fact_without_value()
    {
        var payload = JsonNode.Parse(AlertFormatter.Teams(Sample()))!;
        var card = payload["attachments"]![0]!["content"]!;
        card["body"]![0]!["color"] = "Red";
        Assert.False(Validate(Encoding.UTF8.GetBytes(payload.ToJsonString())).IsValid);

        payload = JsonNode.Parse(AlertFormatter.Teams(Sample()))!;
        payload["attachments"]![0]!["content"]!["body"]![2]!["facts"]![0]!.AsObject().Remove("value");
        Assert.False(Validate(Encoding.UTF8.GetBytes(payload.ToJsonString())).IsValid);
    }

    [Fact]
    public void Teams_alert_stays_under_28_KB_however_long_the_label_and_url_are()
    {
        var payload = AlertFormatter.Teams(Sample(label: new string('L', 100_000), url: "https://x.example/" + new string('u', 100_000)));
        Assert.True(payload.Length <= AlertFormatter.TeamsMaxBytes, $"{payload.Length} bytes");
        Assert.True(Validate(payload).IsValid);
    }

    [Fact]
    public void Slack_alert_has_fallback_text_and_blocks_within_block_kit_limits()
    {
        var message = JsonDocument.Parse(AlertFormatter.Slack(Sample(label: new string('L', 5000)))).RootElement;
        Assert.Contains("Leaked secret", message.GetProperty("text").GetString());
        var blocks = message.GetProperty("blocks");
        Assert.Equal("header", blocks[0].GetProperty("type").GetString());
        Assert.Equal("plain_text", blocks[0].GetProperty("text").GetProperty("type").GetString());
        Assert.True(blocks[0].GetProperty("text").GetProperty("text").GetString()!.Length <= 150);
        var section = blocks[1];
        Assert.True(section.GetProperty("text").GetProperty("text").GetString()!.Length <= 3000);
        Assert.InRange(section.GetProperty("fields").GetArrayLength(), 1, 10);
        Assert.All(section.GetProperty("fields").EnumerateArray(), f => Assert.True(f.GetProperty("text").GetString()!.Length <= 2000));
    }

    [Fact]
    public void A_crafted_paste_url_cannot_inject_slack_links_or_mentions()
    {
        var message = JsonDocument.Parse(AlertFormatter.Slack(
            Sample(url: "https://p.example/<https://evil.example|click here> <!channel>"))).RootElement;
        // What Slack renders: the decoded mrkdwn strings of the fallback text and of every field.
        var texts = message.GetProperty("blocks")[1].GetProperty("fields").EnumerateArray()
            .Select(f => f.GetProperty("text").GetString()!).Append(message.GetProperty("text").GetString()!).ToList();
        Assert.Contains(texts, t => t.Contains("&lt;https://evil.example|click here&gt;", StringComparison.Ordinal));
        Assert.All(texts, t => Assert.DoesNotContain("<https://evil", t));
        Assert.All(texts, t => Assert.DoesNotContain("<!channel>", t));
    }

    [Fact]
    public void A_failed_rotation_escalates_in_both_alerts()
    {
        var alert = Sample(rotation: new RotationSummary(RotationState.Failed, "answered 500 Internal Server Error"));
        var slack = JsonDocument.Parse(AlertFormatter.Slack(alert)).RootElement.GetProperty("text").GetString()!;
        Assert.Contains("rotation failed", slack);
        Assert.Contains("ROTATION FAILED", slack);
        Assert.Contains("ROTATION FAILED", Encoding.UTF8.GetString(AlertFormatter.Teams(alert)));
    }

    [Fact]
    public void A_digest_counts_the_secrets_and_names_the_document_once()
    {
        var text = JsonDocument.Parse(AlertFormatter.Slack(Sample(AlertKind.Digest, new RotationSummary(RotationState.PerSecret, ""))))
            .RootElement.GetProperty("text").GetString()!;
        Assert.Contains("500 registered secrets of team blue-team leaked in one document", text);
        Assert.Contains("https://pastes.example/raw/abcd", text);
    }

    private static EvaluationResults Validate(byte[] payload)
    {
        using var document = JsonDocument.Parse(payload);
        return TeamsSchema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
    }

    private static string Describe(EvaluationResults result)
        => string.Join("\n", (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .Select(d => $"{d.InstanceLocation}: {string.Join("; ", d.Errors!.Values)}"));

    private static JsonSchema LoadSchema()
    {
        using var stream = typeof(AlertFormatterTests).Assembly.GetManifestResourceStream("adaptive-card-1.5-subset.schema.json")!;
        using var reader = new StreamReader(stream);
        return JsonSchema.FromText(reader.ReadToEnd());
    }
}

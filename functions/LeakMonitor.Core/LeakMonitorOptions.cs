using System.ComponentModel.DataAnnotations;

namespace LeakMonitor.Core;

/// <summary>Queue names, from the <c>Queues</c> section. Triggers in both hosts read the same settings.</summary>
public sealed class QueueOptions
{
    public const string Section = "Queues";
    // Storage queue names: 3-63 characters, lowercase letters, digits and single dashes.
    private const string QueueName = "^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$";

    [Required, RegularExpression(QueueName)] public string CrawlJobs { get; set; } = "crawl-jobs";
    [Required, RegularExpression(QueueName)] public string Documents { get; set; } = "documents";
    [Required, RegularExpression(QueueName)] public string Hits { get; set; } = "hits";
}

/// <summary>Storage naming, from the <c>Storage</c> section; the connection itself is <c>AzureWebJobsStorage</c>.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>Prefix for table and blob container names, so several deployments (or tests) can share an account.</summary>
    [RegularExpression("^([a-z][a-z0-9]{0,15})?$")] public string Prefix { get; set; } = "";
}

/// <summary>Crawler behaviour, from the <c>Crawl</c> section.</summary>
public sealed class CrawlOptions : IValidatableObject
{
    public const string Section = "Crawl";

    /// <summary>NCRONTAB (six fields) for the scheduler; each run enqueues the sources that are due.</summary>
    [Required] public string Schedule { get; set; } = "0 */5 * * * *";
    [Range(1, 100_000)] public int DefaultIntervalMinutes { get; set; } = 15;
    [Range(1, 10_000)] public int MaxItemsPerCrawl { get; set; } = 50;
    [Range(1024, 1L << 32)] public long MaxDocumentBytes { get; set; } = 16L << 20;
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")] public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);
    [Required] public string UserAgent { get; set; } = "LeakMonitor/1.0 (+https://github.com/leakmonitor)";
    /// <summary>Contact (mail or URL) appended to the User-Agent so site operators can reach whoever runs the crawler.</summary>
    public string Contact { get; set; } = "";

    /// <summary>Politeness: the least time between two requests to one host (robots.txt Crawl-delay may ask for more).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")] public TimeSpan MinRequestInterval { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>Upper bound of one fetch including retries and their waits, and of reading one body.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")] public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromMinutes(2);
    /// <summary>
    /// SOCKS5 proxies sources may use (comma separated); the first is the default, used for <c>.onion</c> hosts and
    /// sources with <c>"proxy": true</c>. A source can only name a proxy listed here (no SSRF through a proxy).
    /// </summary>
    public string SocksProxies { get; set; } = "socks5://127.0.0.1:9050";
    /// <summary>Size of each stored chunk of a dump.</summary>
    [Range(64 * 1024, 64L << 20)] public int ChunkBytes { get; set; } = 4 << 20;
    /// <summary>Overlap of consecutive chunks: at least the longest fingerprinted secret, so none is cut in two.</summary>
    [Range(256, 1 << 20)] public int ChunkOverlapBytes { get; set; } = 16 << 10;
    /// <summary>Cap on the (decompressed) bytes taken from one dump per crawl; a source may set a lower one.</summary>
    [Range(1024, 1L << 40)] public long MaxDumpBytes { get; set; } = 1L << 30;
    /// <summary>GitHub token sent to api.github.com by JSON sources with <c>"auth": "github"</c> (raises the rate limit).</summary>
    public string GitHubToken { get; set; } = "";

    /// <summary>The proxies of <see cref="SocksProxies"/>, parsed; the first is the default.</summary>
    public IReadOnlyList<Uri> Proxies => [.. SocksProxies.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(p => Uri.TryCreate(p, UriKind.Absolute, out var uri) ? uri : null).OfType<Uri>()];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ChunkOverlapBytes * 2L > ChunkBytes)
        {
            yield return new ValidationResult("Crawl:ChunkOverlapBytes must be at most half of Crawl:ChunkBytes.",
                [nameof(ChunkOverlapBytes)]);
        }
        foreach (var proxy in SocksProxies.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(proxy, UriKind.Absolute, out var uri) || uri.Scheme != "socks5" || uri.Port <= 0
                || uri.AbsolutePath != "/")
            {
                yield return new ValidationResult(
                    $"Crawl:SocksProxies: '{proxy}' is not a socks5://host:port URL.", [nameof(SocksProxies)]);
            }
        }
    }
}

/// <summary>Fingerprint keys, from the <c>Fingerprints</c> section (Key Vault references in Azure).</summary>
public sealed class FingerprintOptions
{
    public const string Section = "Fingerprints";

    /// <summary>Deployment salt (base64, ≥ 16 bytes) shared with teams' <c>leakmon fingerprint</c>. Empty = development salt.</summary>
    public string Salt { get; set; } = "";
    /// <summary>Service-only pepper (base64, ≥ 16 bytes) applied before a fingerprint is stored. Empty = development pepper.</summary>
    public string Pepper { get; set; } = "";
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")] public TimeSpan RegistryRefreshInterval { get; set; } = TimeSpan.FromSeconds(5);
    /// <summary>
    /// Generation of <see cref="Salt"/>: raise it when the salt is rotated. Registrations carrying another epoch (none
    /// counts as 1) are refused, since their fingerprints were made with a salt the matcher no longer uses.
    /// </summary>
    [Range(1, 1_000_000)] public int SaltEpoch { get; set; } = 1;
}

/// <summary>Outbound webhooks, from the <c>Webhooks</c> section.</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>Root signing key (base64, ≥ 32 bytes); each team's key is derived from it. Empty = development key.</summary>
    public string SigningKey { get; set; } = "";
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")] public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>Slack and Teams alerts, from the <c>Alerts</c> section.</summary>
public sealed class AlertOptions
{
    public const string Section = "Alerts";

    /// <summary>Per-attempt timeout of a Slack or Teams post (the wait for the channel's rate-limit slot is extra).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")] public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>Retries after a 5xx, a 429 (also one in a Teams body) or a timeout; then the hit message retries.</summary>
    [Range(0, 10)] public int MaxRetries { get; set; } = 3;
    /// <summary>Least time between two messages to the same channel (Slack: about one per second).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")] public TimeSpan ChannelInterval { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>
    /// When one document holds at least this many of a team's secrets, each channel gets one digest for the document
    /// instead of an alert per secret (rotation webhooks are still called per secret).
    /// </summary>
    [Range(2, 100_000)] public int DigestThreshold { get; set; } = 10;
}

/// <summary>GitHub token revocation (the optional <c>github</c> responder), from the <c>GitHub</c> section.</summary>
public sealed class GitHubOptions
{
    public const string Section = "GitHub";

    /// <summary>Base URL of GitHub's REST API; revocation posts to <c>{ApiBaseUrl}/credentials/revoke</c>.</summary>
    [Required, Url] public string ApiBaseUrl { get; set; } = "https://api.github.com";
}

/// <summary>HTTP API access, from the <c>Api</c> section.</summary>
public sealed class ApiOptions
{
    public const string Section = "Api";

    /// <summary>
    /// Bootstrap API key: a platform admin of <see cref="BootstrapTeam"/>, so a new deployment can create its teams
    /// and their keys. Empty = no bootstrap caller (use API keys or Entra ID).
    /// </summary>
    public string BootstrapKey { get; set; } = "";
    [Required, RegularExpression("^[a-z0-9][a-z0-9-]{0,62}$")] public string BootstrapTeam { get; set; } = "default";
    /// <summary>Sustained requests per minute per caller (token bucket refill).</summary>
    [Range(1, 1_000_000)] public int RateLimitPerMinute { get; set; } = 600;
    /// <summary>Requests a caller may make at once before the limit applies (token bucket size).</summary>
    [Range(1, 1_000_000)] public int RateLimitBurst { get; set; } = 120;
    /// <summary>Lifetime of a new API key when the request names none.</summary>
    [Range(1, 3650)] public int DefaultKeyLifetimeDays { get; set; } = 90;
    /// <summary>Longest lifetime a new API key may ask for.</summary>
    [Range(1, 3650)] public int MaxKeyLifetimeDays { get; set; } = 365;
}

/// <summary>
/// Microsoft Entra ID bearer tokens, from the <c>Entra</c> section. Empty <see cref="Authority"/> = Entra sign-in off.
/// </summary>
public sealed class EntraOptions
{
    public const string Section = "Entra";

    /// <summary>
    /// The authority whose OpenID metadata (<c>/.well-known/openid-configuration</c>) names the issuer and the signing
    /// keys, e.g. <c>https://login.microsoftonline.com/&lt;tenant id&gt;/v2.0</c>. https only, except loopback (tests).
    /// </summary>
    public string Authority { get; set; } = "";
    /// <summary>The API's application id URI or client id: tokens for anything else are refused.</summary>
    public string Audience { get; set; } = "";
    /// <summary>Expected issuer; empty = the issuer the authority's metadata names.</summary>
    public string Issuer { get; set; } = "";
    /// <summary>Claim holding the caller's team id (e.g. a directory extension); checked before group mappings.</summary>
    public string TeamClaim { get; set; } = "team";
    /// <summary>
    /// Group object id → team, optionally with a role: <c>&lt;group id&gt;=&lt;team&gt;[:&lt;role&gt;]</c>, separated by
    /// <c>;</c>. A token whose groups map to more than one team is refused.
    /// </summary>
    public string GroupTeams { get; set; } = "";
    /// <summary>Clock skew tolerated on token lifetimes.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")] public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(2);
}

/// <summary>Outbound network policy for crawlers and webhooks, from the <c>Outbound</c> section.</summary>
public sealed class OutboundOptions
{
    public const string Section = "Outbound";

    /// <summary>
    /// Hosts allowed despite plain http or a private/loopback address (comma separated). Empty in production; tests
    /// and internal receivers list theirs here. Everything else must be https to a public address (no SSRF).
    /// </summary>
    public string AllowedHosts { get; set; } = "";
}

namespace LeakMonitor.Core.Api;

/// <summary>
/// Who is calling, as established by <see cref="ApiAuth"/>: the one team whose data the request may touch, the
/// caller's role in it, and a stable subject for rate limits and the audit trail (a key id, never a key).
/// </summary>
/// <param name="Team">The team the caller acts for.</param>
/// <param name="Role">The caller's role in that team.</param>
/// <param name="Subject"><c>bootstrap</c>, <c>key:&lt;id&gt;</c> or <c>entra:&lt;object id&gt;</c>.</param>
/// <param name="Method"><c>bootstrap-key</c>, <c>api-key</c> or <c>entra</c>.</param>
public sealed record Caller(string Team, Role Role, string Subject, string Method)
{
    /// <summary>The API key's id when the caller used one.</summary>
    public string? KeyId { get; init; }
    /// <summary>When the credential stops working, when known.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }
}

using System.Security.Cryptography;
using System.Text;
using LeakMonitor.Core.Api.Auth;
using LeakMonitor.Core.Fingerprints;
using LeakMonitor.Core.Http;
using LeakMonitor.Core.Registry;
using Microsoft.AspNetCore.Http;

namespace LeakMonitor.Core.Api;

public sealed record BulkFingerprint(
    string? Label, string? Fingerprint, int? Length, int? Epoch, string? Owner, string? Kind, string? WebhookUrl,
    string? Prefilter = null, List<Response.Responder?>? Responders = null);

public sealed record BulkRegistrationRequest(List<BulkFingerprint>? Fingerprints, string? WebhookUrl);

/// <summary>
/// <c>POST /api/fingerprints/bulk</c>: thousands of fingerprints in one call, idempotent. Each row's id is derived
/// from (team, fingerprint) with the service pepper, so a re-run (or a retry after a timeout) upserts the same rows
/// instead of adding copies; an id computed without the pepper would let anyone holding a stolen table and the
/// deployment salt test guesses, which the pepper exists to prevent. All items are validated before any is written.
/// </summary>
public sealed class FingerprintsBulkApi(
    ApiRequests requests, RegistryStore registry, FingerprintKeys keys, OutboundGuard guard, TimeProvider time)
{
    public const int MaxItems = 10_000;
    private const int MaxReportedErrors = 50;

    public Task<IResult> RegisterAsync(HttpRequest request, CancellationToken ct)
        => requests.AuthenticatedAsync(request, Role.Member, async caller =>
        {
            var (body, problem) = await ApiRequests.ReadBodyAsync<BulkRegistrationRequest>(
                request, ApiRequests.MaxBulkBodyBytes, ct).ConfigureAwait(false);
            if (problem is not null)
            {
                return problem;
            }
            if (AccessProblems.RespondersNeedTeamAdmin(caller, !string.IsNullOrEmpty(body!.WebhookUrl)
                    || (body.Fingerprints ?? []).Any(f => !string.IsNullOrEmpty(f?.WebhookUrl) || f?.Responders is { Count: > 0 }))
                is { } forbidden)
            {
                return forbidden;
            }
            var errors = new Dictionary<string, string[]>();
            var items = body!.Fingerprints;
            if (items is null || items.Count is 0 or > MaxItems)
            {
                return Problems.Invalid(new() { ["fingerprints"] = [$"is required: 1 to {MaxItems} items"] });
            }
            if (!string.IsNullOrEmpty(body.WebhookUrl) && guard.Validate(body.WebhookUrl) is { } defaultUrlError)
            {
                errors["webhookUrl"] = [defaultUrlError];
            }
            var now = time.GetUtcNow();
            var rows = new Dictionary<string, FingerprintEntity>(StringComparer.Ordinal);
            for (var i = 0; i < items.Count && errors.Count < MaxReportedErrors; i++)
            {
                var item = items[i];
                var at = $"fingerprints[{i}]";
                if (item is null)
                {
                    errors[at] = ["must be an object"];
                    continue;
                }
                if (string.IsNullOrWhiteSpace(item.Label) || item.Label.Length > 200)
                {
                    errors[$"{at}.label"] = ["is required, at most 200 characters"];
                }
                if (!FingerprintScheme.TryParse(item.Fingerprint, out var hash, out var fpError))
                {
                    errors[$"{at}.fingerprint"] = [fpError];
                }
                if (item.Length is not (>= 1 and <= 16384))
                {
                    errors[$"{at}.length"] = ["is required: the secret's length in UTF-8 bytes (1-16384)"];
                }
                if (requests.EpochError(item.Epoch) is { } epochError)
                {
                    errors[$"{at}.epoch"] = [epochError];
                }
                if (item.Owner is { Length: > 200 })
                {
                    errors[$"{at}.owner"] = ["must be at most 200 characters"];
                }
                if (item.Kind is { Length: > 100 })
                {
                    errors[$"{at}.kind"] = ["must be at most 100 characters"];
                }
                if (item.Prefilter is not null && !Prefilter.TryParse(item.Prefilter, out _, out var pfError))
                {
                    errors[$"{at}.prefilter"] = [$"is optional; when given it {pfError}"];
                }
                foreach (var (field, messages) in Response.Responders.Validate(item.Responders, guard))
                {
                    errors[$"{at}.{field}"] = messages;
                }
                var webhook = string.IsNullOrEmpty(item.WebhookUrl) ? body.WebhookUrl : item.WebhookUrl;
                if (!string.IsNullOrEmpty(item.WebhookUrl) && guard.Validate(item.WebhookUrl) is { } urlError)
                {
                    errors[$"{at}.webhookUrl"] = [urlError];
                }
                if (errors.Count > 0)
                {
                    continue;
                }
                var id = StableId(caller.Team, hash);
                rows[id] = new FingerprintEntity
                {
                    PartitionKey = caller.Team,
                    RowKey = id,
                    Label = item.Label!.Trim(),
                    Version = FingerprintScheme.Version,
                    StoredHash = Convert.ToBase64String(HMACSHA256.HashData(keys.Pepper, hash)),
                    Length = item.Length!.Value,
                    WebhookUrl = webhook ?? "",
                    Owner = item.Owner?.Trim() ?? "",
                    Kind = item.Kind?.Trim() ?? "",
                    SaltEpoch = requests.SaltEpoch,
                    Prefilter = item.Prefilter ?? "",
                    Responders = item.Responders is { Count: > 0 } list ? Response.Responders.Serialize(list!) : "",
                    CreatedAt = now,
                };
            }
            if (errors.Count > 0)
            {
                return Problems.Invalid(errors);
            }
            await registry.UpsertFingerprintsAsync([.. rows.Values], ct).ConfigureAwait(false);
            return Results.Json(new
            {
                count = rows.Count,
                duplicatesInRequest = items.Count - rows.Count,
                items = rows.Values.Select(r => new { id = r.RowKey, label = r.Label }),
            }, ApiRequests.Json);
        });

    /// <summary>The row id of a team's fingerprint: HMAC(pepper, "bulk-id" ‖ team ‖ fingerprint), 128 bits in hex.</summary>
    private string StableId(string team, byte[] hash)
        => Convert.ToHexStringLower(HMACSHA256.HashData(keys.Pepper,
            (byte[])[.. Encoding.UTF8.GetBytes($"leakmonitor bulk id\n{team}\n"), .. hash]))[..32];
}

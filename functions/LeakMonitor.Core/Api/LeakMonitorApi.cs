using System.Text.Json;
using LeakMonitor.Core.Fingerprints;
using LeakMonitor.Core.Http;
using LeakMonitor.Core.Registry;
using LeakMonitor.Core.Response;
using Microsoft.AspNetCore.Http;

namespace LeakMonitor.Core.Api;

public sealed record RegisterFingerprintRequest(
    string? Label, string? Fingerprint, int? Length, string? WebhookUrl, string? Prefilter = null);

public sealed record RegisterSourceRequest(string? Name, string? Kind, string? Url, int? IntervalMinutes, bool? Enabled);

/// <summary>
/// Request handlers of the HTTP API, shared by both hosts. Every handler authenticates first and touches only the
/// caller's team; another team's ids answer 404, so existence does not leak.
/// </summary>
public sealed class LeakMonitorApi(
    ApiAuth auth, RegistryStore registry, IncidentStore incidents, FingerprintKeys keys, OutboundGuard guard,
    WebhookSigner signer, TimeProvider time)
{
    public const long MaxBodyBytes = 64 * 1024;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Task<IResult> RegisterFingerprintAsync(HttpRequest request, CancellationToken ct)
        => AuthenticatedAsync(request, async caller =>
        {
            var (body, problem) = await ReadBodyAsync<RegisterFingerprintRequest>(request, ct).ConfigureAwait(false);
            if (problem is not null)
            {
                return problem;
            }
            var errors = new Dictionary<string, string[]>();
            if (string.IsNullOrWhiteSpace(body!.Label) || body.Label.Length > 200)
            {
                errors["label"] = ["is required, at most 200 characters"];
            }
            if (!FingerprintScheme.TryParse(body.Fingerprint, out var hash, out var fpError))
            {
                errors["fingerprint"] = [fpError];
            }
            if (body.Length is not (>= 1 and <= 16384))
            {
                errors["length"] = ["is required: the secret's length in UTF-8 bytes, as 'leakmon fingerprint' writes it (1-16384)"];
            }
            if (body.Prefilter is not null && !Prefilter.TryParse(body.Prefilter, out _, out var pfError))
            {
                errors["prefilter"] = [$"is optional; when given it {pfError}"];
            }
            if (!string.IsNullOrEmpty(body.WebhookUrl) && guard.Validate(body.WebhookUrl) is { } urlError)
            {
                errors["webhookUrl"] = [urlError];
            }
            if (errors.Count > 0)
            {
                return Problems.Invalid(errors);
            }
            var entity = new FingerprintEntity
            {
                PartitionKey = caller.Team,
                RowKey = Guid.NewGuid().ToString("N"),
                Label = body.Label!.Trim(),
                Version = FingerprintScheme.Version,
                // The pepper is applied before anything is stored: a stolen table cannot test guesses.
                StoredHash = Convert.ToBase64String(System.Security.Cryptography.HMACSHA256.HashData(keys.Pepper, hash)),
                Length = body.Length!.Value,
                Prefilter = body.Prefilter ?? "",
                WebhookUrl = body.WebhookUrl ?? "",
                CreatedAt = time.GetUtcNow(),
            };
            await registry.AddFingerprintAsync(entity, ct).ConfigureAwait(false);
            return Results.Json(FingerprintView(entity), Json, statusCode: StatusCodes.Status201Created);
        });

    public Task<IResult> ListFingerprintsAsync(HttpRequest request, CancellationToken ct)
        => AuthenticatedAsync(request, async caller =>
        {
            var list = await registry.ListFingerprintsAsync(caller.Team, ct).ConfigureAwait(false);
            return Results.Json(list.OrderBy(f => f.CreatedAt).Select(FingerprintView), Json);
        });

    public Task<IResult> DeleteFingerprintAsync(HttpRequest request, string id, CancellationToken ct)
        => AuthenticatedAsync(request, async caller =>
            await registry.DeleteFingerprintAsync(caller.Team, id, ct).ConfigureAwait(false)
                ? Results.NoContent()
                : Problems.NotFound("Fingerprint", id));

    public Task<IResult> RegisterSourceAsync(HttpRequest request, CancellationToken ct)
        => AuthenticatedAsync(request, async caller =>
        {
            var (body, problem) = await ReadBodyAsync<RegisterSourceRequest>(request, ct).ConfigureAwait(false);
            if (problem is not null)
            {
                return problem;
            }
            var errors = new Dictionary<string, string[]>();
            if (string.IsNullOrWhiteSpace(body!.Name) || body.Name.Length > 200)
            {
                errors["name"] = ["is required, at most 200 characters"];
            }
            if (body.Kind is null || !SourceKinds.All.Contains(body.Kind))
            {
                errors["kind"] = [$"must be one of: {string.Join(", ", SourceKinds.All)}"];
            }
            if (guard.Validate(body.Url) is { } urlError)
            {
                errors["url"] = [urlError];
            }
            if (body.IntervalMinutes is < 1 or > 100_000)
            {
                errors["intervalMinutes"] = ["must be between 1 and 100000"];
            }
            if (errors.Count > 0)
            {
                return Problems.Invalid(errors);
            }
            var entity = new SourceEntity
            {
                PartitionKey = caller.Team,
                RowKey = Guid.NewGuid().ToString("N"),
                Name = body.Name!.Trim(),
                Kind = body.Kind!,
                Url = body.Url!,
                IntervalMinutes = body.IntervalMinutes ?? 0,
                Enabled = body.Enabled ?? true,
                CreatedAt = time.GetUtcNow(),
            };
            await registry.AddSourceAsync(entity, ct).ConfigureAwait(false);
            return Results.Json(SourceView(entity), Json, statusCode: StatusCodes.Status201Created);
        });

    public Task<IResult> ListSourcesAsync(HttpRequest request, CancellationToken ct)
        => AuthenticatedAsync(request, async caller =>
        {
            var list = await registry.ListSourcesAsync(caller.Team, ct).ConfigureAwait(false);
            return Results.Json(list.OrderBy(s => s.CreatedAt).Select(SourceView), Json);
        });

    public Task<IResult> DeleteSourceAsync(HttpRequest request, string id, CancellationToken ct)
        => AuthenticatedAsync(request, async caller =>
            await registry.DeleteSourceAsync(caller.Team, id, ct).ConfigureAwait(false)
                ? Results.NoContent()
                : Problems.NotFound("Source", id));

    public Task<IResult> ListIncidentsAsync(HttpRequest request, CancellationToken ct)
        => AuthenticatedAsync(request, async caller =>
        {
            var list = await incidents.ListAsync(caller.Team, ct).ConfigureAwait(false);
            return Results.Json(list.OrderByDescending(i => i.DetectedAt).Select(i => new
            {
                id = i.RowKey,
                secretId = i.FingerprintId,
                label = i.Label,
                status = i.Status,
                sourceId = i.SourceId,
                url = i.Url,
                line = i.Line,
                offset = i.Offset,
                decoderChain = i.DecoderChain,
                detectedAt = i.DetectedAt,
                webhook = new { deliveredAt = i.WebhookDeliveredAt, attempts = i.WebhookAttempts, statusCode = i.WebhookStatusCode, error = i.WebhookError },
            }), Json);
        });

    /// <summary>The caller's webhook verification key (derived, never stored): what receivers check signatures with.</summary>
    public Task<IResult> GetWebhookKeyAsync(HttpRequest request, CancellationToken ct)
        => AuthenticatedAsync(request, caller => Task.FromResult(Results.Json(new
        {
            team = caller.Team,
            algorithm = "HMAC-SHA256",
            key = Convert.ToBase64String(signer.KeyFor(caller.Team)),
            signedPayload = $"{WebhookSigner.TimestampHeader} + \".\" + raw body",
            headers = new[] { WebhookSigner.SignatureHeader, WebhookSigner.TimestampHeader, WebhookSigner.DeliveryHeader },
        }, Json)));

    private async Task<IResult> AuthenticatedAsync(HttpRequest request, Func<Caller, Task<IResult>> handle)
        => auth.Authenticate(request) is { } caller ? await handle(caller).ConfigureAwait(false) : Problems.Unauthorized();

    private static async Task<(T? Body, IResult? Problem)> ReadBodyAsync<T>(HttpRequest request, CancellationToken ct)
        where T : class
    {
        if (request.ContentLength is > MaxBodyBytes)
        {
            return (null, Problems.PayloadTooLarge(MaxBodyBytes));
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return (null, Problems.PayloadTooLarge(MaxBodyBytes));
            }
            buffer.Write(chunk, 0, read);
        }
        try
        {
            var body = JsonSerializer.Deserialize<T>(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), Json);
            return body is null ? (null, Problems.BadRequest("The body must be a JSON object.")) : (body, null);
        }
        catch (JsonException e)
        {
            return (null, Problems.BadRequest($"The body is not valid JSON: {e.Message}"));
        }
    }

    private static object FingerprintView(FingerprintEntity f) => new
    {
        id = f.RowKey,
        label = f.Label,
        version = f.Version,
        length = f.Length,
        webhookUrl = f.WebhookUrl,
        createdAt = f.CreatedAt,
    };

    private static object SourceView(SourceEntity s) => new
    {
        id = s.RowKey,
        name = s.Name,
        kind = s.Kind,
        url = s.Url,
        intervalMinutes = s.IntervalMinutes,
        enabled = s.Enabled,
        health = new
        {
            lastScheduledAt = s.LastScheduledAt,
            lastSuccessAt = s.LastSuccessAt,
            lastFailureAt = s.LastFailureAt,
            lastError = s.LastError,
            consecutiveFailures = s.ConsecutiveFailures,
        },
    };
}

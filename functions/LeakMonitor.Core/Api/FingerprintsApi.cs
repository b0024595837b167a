using LeakMonitor.Core.Fingerprints;
using LeakMonitor.Core.Http;
using LeakMonitor.Core.Registry;
using Microsoft.AspNetCore.Http;

namespace LeakMonitor.Core.Api;

public sealed record RegisterFingerprintRequest(string? Label, string? Fingerprint, int? Length, string? WebhookUrl,
    int? Epoch = null);

/// <summary><c>/api/fingerprints</c>: register, list and delete a team's fingerprints (never plaintext).</summary>
public sealed class FingerprintsApi(
    ApiRequests requests, RegistryStore registry, FingerprintKeys keys, OutboundGuard guard, TimeProvider time)
{
    public Task<IResult> RegisterAsync(HttpRequest request, CancellationToken ct)
        => requests.AuthenticatedAsync(request, Role.Member, async caller =>
        {
            var (body, problem) = await ApiRequests.ReadBodyAsync<RegisterFingerprintRequest>(request, ct).ConfigureAwait(false);
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
            if (!string.IsNullOrEmpty(body.WebhookUrl) && guard.Validate(body.WebhookUrl) is { } urlError)
            {
                errors["webhookUrl"] = [urlError];
            }
            if (requests.EpochError(body.Epoch) is { } epochError)
            {
                errors["epoch"] = [epochError];
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
                WebhookUrl = body.WebhookUrl ?? "",
                CreatedAt = time.GetUtcNow(),
                SaltEpoch = requests.SaltEpoch,
            };
            await registry.AddFingerprintAsync(entity, ct).ConfigureAwait(false);
            return Results.Json(FingerprintView(entity), ApiRequests.Json, statusCode: StatusCodes.Status201Created);
        });

    public Task<IResult> ListAsync(HttpRequest request, CancellationToken ct)
        => requests.AuthenticatedAsync(request, Role.Member, async caller =>
        {
            var list = await registry.ListFingerprintsAsync(caller.Team, ct).ConfigureAwait(false);
            return Results.Json(list.OrderBy(f => f.CreatedAt).Select(FingerprintView), ApiRequests.Json);
        });

    public Task<IResult> DeleteAsync(HttpRequest request, string id, CancellationToken ct)
        => requests.AuthenticatedAsync(request, Role.Member, async caller =>
            await registry.DeleteFingerprintAsync(caller.Team, id, ct).ConfigureAwait(false)
                ? Results.NoContent()
                : Problems.NotFound("Fingerprint", id));

    private static object FingerprintView(FingerprintEntity f) => new
    {
        id = f.RowKey,
        label = f.Label,
        version = f.Version,
        length = f.Length,
        webhookUrl = f.WebhookUrl,
        createdAt = f.CreatedAt,
    };
}

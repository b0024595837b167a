using LeakMonitor.Core.Api.Auth;
using LeakMonitor.Core.Fingerprints;
using LeakMonitor.Core.Http;
using LeakMonitor.Core.Registry;
using LeakMonitor.Core.Response;
using Microsoft.AspNetCore.Http;

namespace LeakMonitor.Core.Api;

/// <summary>
/// A registration. <c>webhookUrl</c> (the rotation webhook) is kept for existing clients; <c>responders</c> adds
/// Slack, Teams or more webhooks: <c>[{"type": "webhook" | "slack" | "teams", "url": "https://…"}]</c>.
/// </summary>
public sealed record RegisterFingerprintRequest(
    string? Label, string? Fingerprint, int? Length, string? WebhookUrl, List<Responder?>? Responders = null,
    string? Prefilter = null, int? Epoch = null);

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
            if (AccessProblems.RespondersNeedTeamAdmin(caller,
                    !string.IsNullOrEmpty(body!.WebhookUrl) || body.Responders is { Count: > 0 }) is { } forbidden)
            {
                return forbidden;
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
            foreach (var (field, messages) in Response.Responders.Validate(body.Responders, guard))
            {
                errors[field] = messages;
            }
            // One rotation call per leak: several webhooks would each need their own outcome and escalation.
            var webhooks = (body.Responders ?? []).Where(r => r?.Type == ResponderTypes.Webhook).Select(r => r!.Url)
                .Append(string.IsNullOrEmpty(body.WebhookUrl) ? null : body.WebhookUrl).OfType<string>().Distinct().Count();
            if (webhooks > 1)
            {
                errors["responders"] = ["at most one rotation webhook per secret (webhookUrl or a responder of type webhook)"];
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
                Prefilter = body.Prefilter ?? "",
                WebhookUrl = body.WebhookUrl ?? "",
                Responders = body.Responders is { Count: > 0 } list ? Response.Responders.Serialize(list!) : "",
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

    /// <summary>A Slack or Teams webhook URL is itself a credential (anyone holding it can post): show its host only.</summary>
    private static string? MaskChannelUrl(string? url)
        => Uri.TryCreate(url, UriKind.Absolute, out var uri) ? $"{uri.Scheme}://{uri.Authority}/…" : null;

    private static object FingerprintView(FingerprintEntity f) => new
    {
        id = f.RowKey,
        label = f.Label,
        version = f.Version,
        length = f.Length,
        webhookUrl = f.WebhookUrl,
        responders = Response.Responders.Effective(f.Responders, f.WebhookUrl)
            .Select(r => new { type = r.Type, url = r.Type == ResponderTypes.Webhook ? r.Url : MaskChannelUrl(r.Url) }),
        createdAt = f.CreatedAt,
    };
}

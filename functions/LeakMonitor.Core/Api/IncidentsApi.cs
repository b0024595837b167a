using LeakMonitor.Core.Response;
using Microsoft.AspNetCore.Http;

namespace LeakMonitor.Core.Api;

/// <summary><c>/api/incidents</c> and <c>/api/webhook-key</c>: what leaked, and how to verify what we send.</summary>
public sealed class IncidentsApi(ApiRequests requests, IncidentStore incidents, WebhookSigner signer)
{
    public Task<IResult> ListAsync(HttpRequest request, CancellationToken ct)
        => requests.AuthenticatedAsync(request, Role.Member, async caller =>
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
            }), ApiRequests.Json);
        });

    /// <summary>The caller's webhook verification key (derived, never stored): what receivers check signatures with.</summary>
    public Task<IResult> GetWebhookKeyAsync(HttpRequest request, CancellationToken ct)
        => requests.AuthenticatedAsync(request, Role.TeamAdmin, caller => Task.FromResult(Results.Json(new
        {
            team = caller.Team,
            algorithm = "HMAC-SHA256",
            key = Convert.ToBase64String(signer.KeyFor(caller.Team)),
            signedPayload = $"{WebhookSigner.TimestampHeader} + \".\" + raw body",
            headers = new[] { WebhookSigner.SignatureHeader, WebhookSigner.TimestampHeader, WebhookSigner.DeliveryHeader },
        }, ApiRequests.Json)));
}

using Azure;
using LeakMonitor.Core.Response;
using Microsoft.AspNetCore.Http;

namespace LeakMonitor.Core.Api;

/// <summary>
/// <c>/api/incidents</c> and <c>/api/webhook-key</c>: what leaked, where, what the responders did, and the people's
/// side of the state machine (acknowledge, resolve). Scoped to the caller's team: another team's id answers 404.
/// </summary>
public sealed class IncidentsApi(ApiRequests requests, IncidentStore incidents, WebhookSigner signer, TimeProvider time)
{
    private const int MaxConcurrentUpdateTries = 5;

    public Task<IResult> ListAsync(HttpRequest request, CancellationToken ct)
        => requests.AuthenticatedAsync(request, Role.Member, async caller =>
        {
            var status = request.Query["status"].ToString();
            if (status.Length > 0 && !IncidentStatus.All.Contains(status))
            {
                return Problems.Invalid(new() { ["status"] = [$"must be one of {string.Join(", ", IncidentStatus.All)}"] });
            }
            var list = await incidents.ListAsync(caller.Team, ct).ConfigureAwait(false);
            return Results.Json(list
                .Where(i => status.Length == 0 || i.Status == status)
                .OrderByDescending(i => i.DetectedAt)
                .Select(i => View(i, occurrences: null)), ApiRequests.Json);
        });

    public Task<IResult> GetAsync(HttpRequest request, string id, CancellationToken ct)
        => requests.AuthenticatedAsync(request, Role.Member, async caller =>
        {
            var incident = await incidents.GetAsync(caller.Team, id, ct).ConfigureAwait(false);
            if (incident is null)
            {
                return Problems.NotFound("Incident", id);
            }
            var occurrences = await incidents.ListOccurrencesAsync(incident, ct).ConfigureAwait(false);
            return Results.Json(View(incident, occurrences), ApiRequests.Json);
        });

    public Task<IResult> AcknowledgeAsync(HttpRequest request, string id, CancellationToken ct)
        => TransitionAsync(request, id, IncidentStatus.Acknowledged, ct);

    public Task<IResult> ResolveAsync(HttpRequest request, string id, CancellationToken ct)
        => TransitionAsync(request, id, IncidentStatus.Resolved, ct);

    private Task<IResult> TransitionAsync(HttpRequest request, string id, string target, CancellationToken ct)
        => requests.AuthenticatedAsync(request, Role.Member, async caller =>
        {
            // Who: the caller's subject (key:<id>, entra:<object id> or bootstrap), never a key.
            var who = caller.Subject;
            for (var attempt = 1; ; attempt++)
            {
                var incident = await incidents.GetAsync(caller.Team, id, ct).ConfigureAwait(false);
                if (incident is null)
                {
                    return Problems.NotFound("Incident", id);
                }
                if (incident.Status == target)
                {
                    return Results.Json(View(incident, null), ApiRequests.Json); // repeating it changes nothing
                }
                if (incident.Status == IncidentStatus.Resolved)
                {
                    return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Incident already resolved",
                        detail: $"Incident '{id}' was resolved by {incident.ResolvedBy}; a new leak opens a new incident.");
                }
                var now = time.GetUtcNow();
                incident.Status = target;
                incident.StatusChangedAt = now;
                incident.StatusChangedBy = who;
                if (target == IncidentStatus.Acknowledged)
                {
                    incident.AcknowledgedAt = now;
                    incident.AcknowledgedBy = who;
                }
                else
                {
                    incident.ResolvedAt = now;
                    incident.ResolvedBy = who;
                }
                try
                {
                    await incidents.UpdateAsync(incident, ct).ConfigureAwait(false);
                }
                catch (RequestFailedException e) when (e.Status == 412 && attempt < MaxConcurrentUpdateTries)
                {
                    continue; // the hit handler recorded something meanwhile: read again and reapply
                }
                if (target == IncidentStatus.Resolved)
                {
                    await incidents.BumpGenerationAsync(caller.Team, incident.FingerprintId,
                        incident.Generation, ct).ConfigureAwait(false);
                }
                return Results.Json(View(incident, null), ApiRequests.Json);
            }
        });

    private static object View(IncidentEntity i, List<OccurrenceEntity>? occurrences) => new
    {
        id = i.RowKey,
        secretId = i.FingerprintId,
        label = i.Label,
        status = i.Status,
        statusChangedAt = i.StatusChangedAt,
        statusChangedBy = i.StatusChangedBy,
        sourceId = i.SourceId,
        url = i.Url,
        line = i.Line,
        offset = i.Offset,
        decoderChain = i.DecoderChain,
        detectedAt = i.DetectedAt,
        webhook = new
        {
            deliveredAt = i.WebhookDeliveredAt,
            attempts = i.WebhookAttempts,
            statusCode = i.WebhookStatusCode,
            error = i.WebhookError,
            answer = i.WebhookAnswer,
        },
        revocation = i.RevocationAttempts == 0 ? null : new
        {
            revokedAt = i.RevokedAt,
            attempts = i.RevocationAttempts,
            statusCode = i.RevocationStatusCode,
            error = i.RevocationError,
        },
        alerts = new
        {
            channels = i.AlertedChannels.Split(',', StringSplitOptions.RemoveEmptyEntries)
                .Where(k => !k.EndsWith('!')).ToArray(),
            digestDocumentId = i.DigestDocumentId.Length > 0 ? i.DigestDocumentId : null,
            escalatedAt = i.EscalatedAt,
            error = i.AlertError,
        },
        acknowledged = i.AcknowledgedAt is null ? null : new { at = i.AcknowledgedAt, by = i.AcknowledgedBy },
        resolved = i.ResolvedAt is null ? null : new { at = i.ResolvedAt, by = i.ResolvedBy },
        occurrences = occurrences?.OrderBy(o => o.FirstSeenAt).Select(o => new
        {
            documentId = o.RowKey,
            sourceId = o.SourceId,
            url = o.Url,
            line = o.Line,
            offset = o.Offset,
            decoderChain = o.DecoderChain,
            firstSeenAt = o.FirstSeenAt,
            lastSeenAt = o.LastSeenAt,
        }),
    };

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

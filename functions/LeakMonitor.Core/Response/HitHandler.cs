using System.Text.Json;
using LeakMonitor.Core.Fingerprints;
using LeakMonitor.Core.Registry;
using LeakMonitor.Core.Storage;
using Microsoft.Extensions.Logging;

namespace LeakMonitor.Core.Response;

/// <summary>A webhook that still fails after its retries: the hit message retries later, then goes to poison.</summary>
public sealed class WebhookFailedException(string message) : Exception(message);

/// <summary>
/// The <c>HandleHit</c> stage: opens (or finds) the incident and calls the owner's webhook once. A redelivered hit
/// finds the incident already notified and changes nothing; a crash after the call but before the mark repeats the
/// call with the same delivery id, which receivers use to deduplicate.
/// </summary>
public sealed class HitHandler(
    RegistryStore registry, IncidentStore incidents, WebhookSender webhooks, TimeProvider time,
    ILogger<HitHandler> logger)
{
    public async Task HandleAsync(HitMessage hit, CancellationToken ct)
    {
        var fingerprint = await registry.GetFingerprintAsync(hit.Team, hit.FingerprintId, ct).ConfigureAwait(false);
        if (fingerprint is null)
        {
            ResponseLog.FingerprintGone(logger, hit.FingerprintId);
            return;
        }
        var incident = await incidents.OpenAsync(new IncidentEntity
        {
            PartitionKey = hit.Team,
            RowKey = IncidentStore.IdFor(hit),
            FingerprintId = hit.FingerprintId,
            Label = fingerprint.Label,
            DocumentId = hit.DocumentId,
            SourceId = hit.SourceId,
            Url = hit.Url,
            Line = hit.Line,
            Offset = hit.Offset,
            DecoderChain = hit.DecoderChain,
            DetectedAt = hit.SeenAt,
        }, ct).ConfigureAwait(false);

        if (incident.WebhookDeliveredAt is not null || string.IsNullOrEmpty(fingerprint.WebhookUrl))
        {
            ResponseLog.NothingToDo(logger, incident.RowKey);
            return;
        }
        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            type = "leak.detected",
            incidentId = incident.RowKey,
            team = hit.Team,
            secretId = fingerprint.RowKey,
            label = fingerprint.Label,
            fingerprintVersion = FingerprintScheme.Version,
            source = new { id = hit.SourceId, url = hit.Url },
            documentId = hit.DocumentId,
            line = hit.Line,
            offset = hit.Offset,
            decoderChain = hit.DecoderChain,
            detectedAt = hit.SeenAt,
        });
        var outcome = await webhooks.SendAsync(new Uri(fingerprint.WebhookUrl), hit.Team, incident.RowKey, body, ct)
            .ConfigureAwait(false);
        incident.WebhookAttempts++;
        incident.WebhookStatusCode = outcome.StatusCode;
        incident.WebhookError = outcome.Error;
        if (outcome.Delivered)
        {
            incident.WebhookDeliveredAt = time.GetUtcNow();
            incident.Status = IncidentStatus.Notified;
        }
        await incidents.UpdateAsync(incident, ct).ConfigureAwait(false);
        if (!outcome.Delivered)
        {
            ResponseLog.WebhookFailed(logger, incident.RowKey, outcome.Error);
            throw new WebhookFailedException($"Webhook for incident {incident.RowKey} failed: {outcome.Error}");
        }
        ResponseLog.WebhookDelivered(logger, incident.RowKey, outcome.StatusCode ?? 0);
    }
}

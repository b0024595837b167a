using System.Text.Json;
using LeakMonitor.Core.Registry;
using LeakMonitor.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LeakMonitor.Core.Response;

/// <summary>A rotation webhook that still fails after its retries: the hit message retries later, then goes to poison.</summary>
public sealed class WebhookFailedException(string message) : Exception(message);

/// <summary>A Slack or Teams alert that still fails after its retries: the hit retries, sending only what is missing.</summary>
public sealed class AlertFailedException(string message) : Exception(message);

/// <summary>
/// The <c>HandleHit</c> stage. A hit is a registered secret seen in a document. The first hit of a secret opens its
/// incident; later hits in other documents add occurrences. Per incident, the rotation webhook is called until it
/// succeeds once, and each Slack/Teams channel is alerted once (with the rotation's outcome, so a failed rotation
/// escalates in the alert). When one document holds many of a team's secrets, each channel gets one digest instead.
/// Every outcome is recorded on the incident before the next step, so a redelivered or retried hit only finishes what
/// is missing. Hits of one secret are handled one at a time in this process.
/// </summary>
public sealed class HitHandler(
    RegistryStore registry, IncidentStore incidents, WebhookSender webhooks, AlertSender alerts, GitHubRevoker github,
    IOptions<AlertOptions> alertOptions, TimeProvider time, ILogger<HitHandler> logger)
{
    public const string System = "leakmonitor";
    private readonly KeyedLocks locks = new();

    public async Task HandleAsync(HitMessage hit, CancellationToken ct)
    {
        var fingerprint = await registry.GetFingerprintAsync(hit.Team, hit.FingerprintId, ct).ConfigureAwait(false);
        if (fingerprint is null)
        {
            ResponseLog.FingerprintGone(logger, hit.FingerprintId);
            return;
        }
        using var held = await locks.AcquireAsync($"{hit.Team}|{hit.FingerprintId}", ct).ConfigureAwait(false);
        var incident = await FindOrOpenAsync(hit, fingerprint, ct).ConfigureAwait(false);
        if (incident.Status == IncidentStatus.Resolved)
        {
            ResponseLog.IncidentResolved(logger, incident.RowKey, hit.DocumentId);
            return;
        }
        var responders = Responders.Effective(fingerprint.Responders, fingerprint.WebhookUrl);
        var acted = false;
        var rotation = await RotateAsync(incident, fingerprint, responders, ct).ConfigureAwait(false);
        acted |= rotation.Called;
        acted |= await RevokeAsync(incident, fingerprint, responders, ct).ConfigureAwait(false);
        acted |= await AlertAsync(hit, incident, responders, rotation.Summary, ct).ConfigureAwait(false);
        if (rotation.Summary.State == RotationState.Failed)
        {
            ResponseLog.WebhookFailed(logger, incident.RowKey, incident.WebhookError);
            throw new WebhookFailedException($"Rotation webhook for incident {incident.RowKey} failed: {incident.WebhookError}");
        }
        if (responders.Any(r => r.Type == ResponderTypes.GitHub) && !incident.RevocationFinal)
        {
            ResponseLog.RevocationFailed(logger, incident.RowKey, incident.RevocationError);
            throw new WebhookFailedException($"GitHub revocation for incident {incident.RowKey} failed: {incident.RevocationError}");
        }
        if (!acted)
        {
            ResponseLog.NothingToDo(logger, incident.RowKey);
        }
    }

    private async Task<IncidentEntity> FindOrOpenAsync(HitMessage hit, FingerprintEntity fingerprint, CancellationToken ct)
    {
        var occurrence = await incidents.GetOccurrenceAsync(hit.Team, hit.FingerprintId, hit.DocumentId, ct)
            .ConfigureAwait(false);
        if (occurrence is not null
            && await incidents.GetAsync(hit.Team, occurrence.IncidentId, ct).ConfigureAwait(false) is { } known)
        {
            // A redelivered hit (same time: nothing changes) or the same document matched again (last seen moves).
            await incidents.TouchOccurrenceAsync(occurrence, hit.SeenAt, ct).ConfigureAwait(false);
            return known;
        }
        var generation = await incidents.GetGenerationAsync(hit.Team, hit.FingerprintId, ct).ConfigureAwait(false);
        var id = IncidentStore.IdFor(hit.Team, hit.FingerprintId, generation);
        var now = time.GetUtcNow();
        var incident = await incidents.OpenAsync(new IncidentEntity
        {
            PartitionKey = hit.Team,
            RowKey = id,
            FingerprintId = hit.FingerprintId,
            Generation = generation,
            Label = fingerprint.Label,
            StatusChangedAt = now,
            StatusChangedBy = System,
            DocumentId = hit.DocumentId,
            SourceId = hit.SourceId,
            Url = hit.Url,
            Line = hit.Line,
            Offset = hit.Offset,
            DecoderChain = hit.DecoderChain,
            DetectedAt = hit.SeenAt,
        }, ct).ConfigureAwait(false);
        var (_, added) = await incidents.AddOccurrenceAsync(new OccurrenceEntity
        {
            PartitionKey = IncidentStore.OccurrencePartition(hit.Team, hit.FingerprintId),
            RowKey = hit.DocumentId,
            IncidentId = id,
            SourceId = hit.SourceId,
            Url = hit.Url,
            Line = hit.Line,
            Offset = hit.Offset,
            DecoderChain = hit.DecoderChain,
            FirstSeenAt = hit.SeenAt,
            LastSeenAt = hit.SeenAt,
        }, ct).ConfigureAwait(false);
        if (added && incident.DocumentId == hit.DocumentId)
        {
            ResponseLog.IncidentOpened(logger, id, hit.FingerprintId, hit.DocumentId);
        }
        else if (added)
        {
            ResponseLog.OccurrenceAdded(logger, id, hit.DocumentId);
        }
        return incident;
    }

    private async Task<(RotationSummary Summary, bool Called)> RotateAsync(IncidentEntity incident,
        FingerprintEntity fingerprint, List<Responder> responders, CancellationToken ct)
    {
        var webhook = responders.FirstOrDefault(r => r.Type == ResponderTypes.Webhook);
        if (webhook?.Url is null)
        {
            return (RotationSummary.NotConfigured, false);
        }
        if (incident.WebhookDeliveredAt is not null)
        {
            return (new RotationSummary(RotationState.Rotated, $"answered {incident.WebhookStatusCode}"), false);
        }
        SetStatus(incident, IncidentStatus.Rotating);
        await incidents.SaveHandlerChangesAsync(incident, ct).ConfigureAwait(false);

        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            type = "leak.detected",
            incidentId = incident.RowKey,
            team = incident.PartitionKey,
            secretId = fingerprint.RowKey,
            label = fingerprint.Label,
            fingerprintVersion = fingerprint.Version,
            source = new { id = incident.SourceId, url = incident.Url },
            documentId = incident.DocumentId,
            line = incident.Line,
            offset = incident.Offset,
            decoderChain = incident.DecoderChain,
            detectedAt = incident.DetectedAt,
        });
        var outcome = await webhooks.SendAsync(new Uri(webhook.Url), incident.PartitionKey, incident.RowKey, body, ct)
            .ConfigureAwait(false);
        incident.WebhookAttempts++;
        incident.WebhookStatusCode = outcome.StatusCode;
        incident.WebhookError = outcome.Error;
        incident.WebhookAnswer = outcome.Answer;
        if (outcome.Delivered)
        {
            incident.WebhookDeliveredAt = time.GetUtcNow();
            SetStatus(incident, IncidentStatus.Rotated);
        }
        else
        {
            SetStatus(incident, IncidentStatus.RotationFailed);
        }
        await incidents.SaveHandlerChangesAsync(incident, ct).ConfigureAwait(false);
        if (outcome.Delivered)
        {
            ResponseLog.WebhookDelivered(logger, incident.RowKey, outcome.StatusCode ?? 0);
            return (new RotationSummary(RotationState.Rotated, $"answered {outcome.StatusCode}"), true);
        }
        return (new RotationSummary(RotationState.Failed, outcome.Error), true);
    }

    /// <summary>Revokes a leaked GitHub token once per incident, when the github responder is configured.</summary>
    private async Task<bool> RevokeAsync(IncidentEntity incident, FingerprintEntity fingerprint, List<Responder> responders,
        CancellationToken ct)
    {
        if (!responders.Any(r => r.Type == ResponderTypes.GitHub) || incident.RevocationFinal)
        {
            return false;
        }
        var outcome = await github.RevokeAsync(incident, fingerprint, ct).ConfigureAwait(false);
        incident.RevocationAttempts++;
        incident.RevocationStatusCode = outcome.StatusCode;
        incident.RevocationError = outcome.Error;
        incident.RevocationFinal = outcome.Final;
        if (outcome.Revoked)
        {
            incident.RevokedAt = time.GetUtcNow();
        }
        await incidents.SaveHandlerChangesAsync(incident, ct).ConfigureAwait(false);
        ResponseLog.RevocationOutcome(logger, incident.RowKey, outcome.Revoked, outcome.StatusCode ?? 0, outcome.Error);
        return outcome.StatusCode is not null;
    }

    /// <summary>Alerts every channel not yet alerted for this incident; true when anything was sent.</summary>
    private async Task<bool> AlertAsync(HitMessage hit, IncidentEntity incident, List<Responder> responders,
        RotationSummary rotation, CancellationToken ct)
    {
        var flood = hit.DocumentHits >= alertOptions.Value.DigestThreshold;
        var sent = false;
        var failures = new List<string>();
        foreach (var channel in responders.Where(r => ResponderTypes.IsAlertChannel(r.Type) && r.Url is not null))
        {
            var escalationKey = channel.Key + "!";
            var recoveryKey = channel.Key + "+";
            Alert? alert = null;
            if (flood && !incident.HasAlerted(channel.Key))
            {
                // The document's digest stands for this secret's alert on this channel.
                var digestAlert = NewAlert(AlertKind.Digest, incident, hit, new RotationSummary(RotationState.PerSecret, ""));
                var outcome = await DigestAsync(hit, incident, channel, channel.Key, digestAlert, failures, ct).ConfigureAwait(false);
                if (outcome == DigestOutcome.Failed)
                {
                    continue;
                }
                sent |= outcome == DigestOutcome.Sent;
                incident.DigestDocumentId = hit.DocumentId;
                incident.MarkAlerted(channel.Key);
                await incidents.SaveHandlerChangesAsync(incident, ct).ConfigureAwait(false);
            }
            if (!incident.HasAlerted(channel.Key))
            {
                alert = NewAlert(AlertKind.Leak, incident, hit, rotation);
            }
            else if (rotation.State == RotationState.Failed && !incident.HasAlerted(escalationKey) && flood)
            {
                // In a flood, failed rotations escalate once per document and channel too, not once per secret.
                var escalation = NewAlert(AlertKind.Digest, incident, hit,
                    new RotationSummary(RotationState.SomeFailed, rotation.Detail));
                var outcome = await DigestAsync(hit, incident, channel, escalationKey, escalation, failures, ct).ConfigureAwait(false);
                if (outcome == DigestOutcome.Failed)
                {
                    continue;
                }
                sent |= outcome == DigestOutcome.Sent;
                incident.MarkAlerted(escalationKey);
                incident.EscalatedAt ??= time.GetUtcNow();
                await incidents.SaveHandlerChangesAsync(incident, ct).ConfigureAwait(false);
                continue;
            }
            else if (rotation.State == RotationState.Failed && !incident.HasAlerted(escalationKey))
            {
                // Alerted before the rotation failed: the failure gets its own escalation.
                alert = NewAlert(AlertKind.RotationFailed, incident, hit, rotation);
            }
            else if (rotation.State == RotationState.Rotated && incident.HasAlerted(escalationKey)
                && !incident.HasAlerted(recoveryKey) && !flood)
            {
                // The channel was told the rotation failed and someone may be rotating by hand: say, once, that a
                // later delivery rotated it after all.
                alert = NewAlert(AlertKind.RotationRecovered, incident, hit, rotation);
            }
            if (alert is null || !await SendAsync(channel, alert, incident, failures, ct).ConfigureAwait(false))
            {
                continue;
            }
            if (!incident.HasAlerted(channel.Key))
            {
                incident.MarkAlerted(channel.Key);
            }
            if (rotation.State == RotationState.Failed)
            {
                incident.MarkAlerted(escalationKey);
                incident.EscalatedAt ??= time.GetUtcNow();
            }
            if (alert.Kind == AlertKind.RotationRecovered)
            {
                incident.MarkAlerted(recoveryKey);
            }
            await incidents.SaveHandlerChangesAsync(incident, ct).ConfigureAwait(false);
            sent = true;
        }
        if (failures.Count == 0 && sent && incident.AlertError.Length > 0)
        {
            incident.AlertError = ""; // an earlier failure was made good
            await incidents.SaveHandlerChangesAsync(incident, ct).ConfigureAwait(false);
        }
        if (failures.Count > 0)
        {
            incident.AlertError = string.Join("; ", failures);
            await incidents.SaveHandlerChangesAsync(incident, ct).ConfigureAwait(false);
            if (rotation.State != RotationState.Failed)
            {
                throw new AlertFailedException($"Alerts for incident {incident.RowKey} failed: {incident.AlertError}");
            }
        }
        return sent;
    }

    private enum DigestOutcome
    {
        Sent,
        LeftToOwner,
        AlreadySent,
        Failed,
    }

    /// <summary>
    /// One message per (team, document, channel, purpose): the first hit to claim it owns it and sends it (again on
    /// its own retries, until it succeeds); every other hit of the document leaves it to the owner.
    /// </summary>
    private async Task<DigestOutcome> DigestAsync(HitMessage hit, IncidentEntity incident, Responder channel, string rowKey,
        Alert alert, List<string> failures, CancellationToken ct)
    {
        var digest = await incidents.ClaimDigestAsync(new DigestEntity
        {
            PartitionKey = $"{hit.Team}|{hit.DocumentId}",
            RowKey = rowKey,
            OwnerFingerprintId = hit.FingerprintId,
            Hits = hit.DocumentHits,
        }, ct).ConfigureAwait(false);
        if (digest.OwnerFingerprintId != hit.FingerprintId)
        {
            ResponseLog.DigestLeftToOwner(logger, incident.RowKey, hit.DocumentId, channel.Type, digest.OwnerFingerprintId);
            return DigestOutcome.LeftToOwner;
        }
        if (digest.SentAt is not null)
        {
            return DigestOutcome.AlreadySent;
        }
        var message = alert with { Url = hit.Url, SourceId = hit.SourceId, DocumentHits = digest.Hits };
        if (!await SendAsync(channel, message, incident, failures, ct).ConfigureAwait(false))
        {
            return DigestOutcome.Failed;
        }
        await incidents.MarkDigestSentAsync(digest, time.GetUtcNow(), ct).ConfigureAwait(false);
        return DigestOutcome.Sent;
    }

    private async Task<bool> SendAsync(Responder channel, Alert alert, IncidentEntity incident, List<string> failures,
        CancellationToken ct)
    {
        var attempt = await alerts.SendAsync(channel, alert, ct).ConfigureAwait(false);
        if (attempt.Delivered)
        {
            ResponseLog.AlertSent(logger, incident.RowKey, alert.Kind, channel.Type, channel.Key, attempt.StatusCode);
            return true;
        }
        ResponseLog.AlertFailed(logger, incident.RowKey, channel.Type, channel.Key, attempt.Error);
        failures.Add($"{channel.Type} {channel.Key}: {attempt.Error}");
        return false;
    }

    private static Alert NewAlert(AlertKind kind, IncidentEntity incident, HitMessage hit, RotationSummary rotation)
        => new(kind, incident.PartitionKey, incident.RowKey, incident.FingerprintId, incident.Label, incident.SourceId,
            incident.Url, incident.Line, incident.DecoderChain, incident.DetectedAt, rotation,
            Math.Max(1, hit.DocumentHits));

    private void SetStatus(IncidentEntity incident, string status)
    {
        // A person's acknowledgement is not undone by a retry; its rotation outcome is still recorded.
        if (IncidentStatus.IsAutomatic(incident.Status) && incident.Status != status)
        {
            incident.Status = status;
            incident.StatusChangedAt = time.GetUtcNow();
            incident.StatusChangedBy = System;
        }
    }
}

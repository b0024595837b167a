namespace LeakMonitor.Core.Response;

/// <summary>What an alert says. Never the secret: its label, where it leaked, and what the rotation did.</summary>
public sealed record Alert(
    AlertKind Kind,
    string Team,
    string IncidentId,
    string SecretId,
    string Label,
    string SourceId,
    string Url,
    long Line,
    string DecoderChain,
    DateTimeOffset DetectedAt,
    RotationSummary Rotation,
    int DocumentHits = 1);

public enum AlertKind
{
    /// <summary>A registered secret leaked (with the rotation's outcome; a failed rotation escalates here).</summary>
    Leak,
    /// <summary>A secret's rotation failed, sent on its own when the leak itself went out in a digest.</summary>
    RotationFailed,
    /// <summary>One document leaked many secrets of a team: one summary per channel instead of one per secret.</summary>
    Digest,
    /// <summary>A channel was told a rotation failed; a later delivery rotated the secret after all.</summary>
    RotationRecovered,
}

public enum RotationState
{
    NotConfigured,
    Rotated,
    Failed,
    PerSecret,
    /// <summary>In a digest: at least one of the document's secrets could not be rotated.</summary>
    SomeFailed,
}

public sealed record RotationSummary(RotationState State, string Detail)
{
    public static readonly RotationSummary NotConfigured = new(RotationState.NotConfigured, "");

    public string Text => State switch
    {
        RotationState.Rotated => $"Rotation webhook called: {Detail}.",
        RotationState.Failed => $"ROTATION FAILED ({Detail}). Rotate or revoke this secret by hand now; " +
            "LeakMonitor keeps retrying.",
        RotationState.SomeFailed => $"ROTATION FAILED for at least one of these secrets ({Detail}). Rotate or revoke " +
            "them by hand now (GET /api/incidents?status=rotation-failed lists them); LeakMonitor keeps retrying.",
        RotationState.PerSecret => "Rotation webhooks are called per secret; each incident records its outcome.",
        _ => "No rotation webhook is configured for this secret: rotate or revoke it by hand.",
    };
}

namespace LeakMonitor.Core.Registry;

/// <summary>What bulk registration adds to a fingerprint row: who owns the secret, what kind it is, its salt epoch.</summary>
public sealed partial class FingerprintEntity
{
    /// <summary>Who answers for the secret (a person or a team mailbox), free text.</summary>
    public string Owner { get; set; } = "";
    /// <summary>What the secret is (e.g. github-token, db-password), free text.</summary>
    public string Kind { get; set; } = "";
    /// <summary>The salt epoch the fingerprint was made with (Fingerprints:SaltEpoch at registration).</summary>
    public int SaltEpoch { get; set; } = 1;
}

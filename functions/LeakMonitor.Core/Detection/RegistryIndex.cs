using LeakMonitor.Core.Fingerprints;
using LeakMonitor.Core.Matching;
using LeakMonitor.Core.Registry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LeakMonitor.Core.Detection;

/// <summary>
/// The matcher's in-memory index of every registered fingerprint. It checks the registry's change marker at most
/// once per <see cref="FingerprintOptions.RegistryRefreshInterval"/> and reloads only when it moved.
/// </summary>
public sealed class RegistryIndex(
    RegistryStore registry, FingerprintKeys keys, IOptions<FingerprintOptions> options, TimeProvider time,
    ILogger<RegistryIndex> logger)
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private FingerprintIndex index = FingerprintIndex.Empty;
    private string? loadedVersion;
    private DateTimeOffset checkedAt = DateTimeOffset.MinValue;

    public async Task<FingerprintIndex> GetAsync(CancellationToken ct)
    {
        if (time.GetUtcNow() - checkedAt < options.Value.RegistryRefreshInterval)
        {
            return index;
        }
        await gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (time.GetUtcNow() - checkedAt < options.Value.RegistryRefreshInterval)
            {
                return index;
            }
            var version = await registry.GetVersionAsync(ct).ConfigureAwait(false);
            if (version != loadedVersion)
            {
                var entities = await registry.LoadAllFingerprintsAsync(ct).ConfigureAwait(false);
                index = new FingerprintIndex(keys.Salt, keys.Pepper, entities.Select(ToEntry));
                loadedVersion = version;
                DetectionLog.IndexLoaded(logger, index.Count, index.Lengths.Length);
            }
            checkedAt = time.GetUtcNow();
            return index;
        }
        finally
        {
            gate.Release();
        }
    }

    private static IndexEntry ToEntry(FingerprintEntity e)
        => new(Convert.FromBase64String(e.StoredHash), e.Length, new FingerprintRef(e.RowKey, e.Label, e.PartitionKey),
            Prefilter.TryParse(e.Prefilter, out var tag, out _) ? tag : null);
}

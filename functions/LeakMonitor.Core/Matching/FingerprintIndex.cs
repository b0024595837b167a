using System.Security.Cryptography;

namespace LeakMonitor.Core.Matching;

/// <summary>What a match points at: never the secret, only the registration it belongs to.</summary>
public sealed record FingerprintRef(string Id, string Label, string Team = "");

/// <summary>One registered fingerprint as the index stores it: its stored hash and the secret's length.</summary>
public sealed record IndexEntry(byte[] StoredHash, int Length, FingerprintRef Ref);

/// <summary>
/// In-memory lookup from candidate bytes to registrations. A candidate is hashed once with the salt (and the
/// pepper, when the stored hashes are peppered); cost per candidate does not depend on how many fingerprints exist.
/// </summary>
public sealed class FingerprintIndex
{
    private readonly byte[] salt;
    private readonly byte[]? pepper;
    private readonly Dictionary<UInt128, FingerprintRef[]> byHash;

    public FingerprintIndex(byte[] salt, byte[]? pepper, IEnumerable<IndexEntry> entries)
    {
        this.salt = salt;
        this.pepper = pepper;
        byHash = [];
        var lengths = new SortedSet<int>();
        foreach (var entry in entries)
        {
            var key = KeyOf(entry.StoredHash);
            byHash[key] = byHash.TryGetValue(key, out var refs) ? [.. refs, entry.Ref] : [entry.Ref];
            lengths.Add(entry.Length);
            Count++;
        }
        Lengths = [.. lengths];
        MaxLength = Lengths.Length == 0 ? 0 : Lengths[^1];
    }

    public static FingerprintIndex Empty { get; } = new([], null, []);

    public int Count { get; }

    /// <summary>Distinct registered secret lengths in bytes, ascending: only windows of these lengths are hashed.</summary>
    public int[] Lengths { get; }

    public int MaxLength { get; }

    public bool TryMatch(ReadOnlySpan<byte> candidate, out FingerprintRef[] matches)
    {
        Span<byte> hash = stackalloc byte[32];
        HMACSHA256.HashData(salt, candidate, hash);
        if (pepper is not null)
        {
            HMACSHA256.HashData(pepper, hash, hash);
        }
        return byHash.TryGetValue(KeyOf(hash), out matches!);
    }

    private static UInt128 KeyOf(ReadOnlySpan<byte> hash)
        => new(BitConverter.ToUInt64(hash[..8]), BitConverter.ToUInt64(hash[8..16]));
}

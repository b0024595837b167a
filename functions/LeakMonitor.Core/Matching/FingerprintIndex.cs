using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using LeakMonitor.Core.Fingerprints;

[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("LeakMonitor.Benchmarks")]

namespace LeakMonitor.Core.Matching;

/// <summary>What a match points at: never the secret, only the registration it belongs to.</summary>
public sealed record FingerprintRef(string Id, string Label, string Team = "");

/// <summary>
/// One registered fingerprint as the index stores it: its stored hash, the secret's length and, when the team sent
/// one, its 32-bit pfv1 prefilter tag (see <see cref="Fingerprints.Prefilter"/>). <paramref name="Ref"/> may be null
/// when the index is given a resolver that finds it by position on a match.
/// </summary>
public readonly record struct IndexEntry(byte[] StoredHash, int Length, FingerprintRef? Ref, uint? Prefilter = null);

/// <summary>
/// In-memory lookup from candidate bytes to registrations, compact enough for millions of fingerprints: a sorted
/// array of 64-bit hash prefixes with parallel registration ids, an open-addressing table of 32-bit prefilter tags
/// behind a bitmap, and a per-length flag table. Cost per candidate does not depend on how many fingerprints exist:
/// a candidate of a registered length costs one polynomial-hash lookup (or, for registrations without a prefilter,
/// one HMAC); only prefilter hits pay the HMAC (and the pepper HMAC).
/// </summary>
public sealed class FingerprintIndex
{
    internal const byte HasPrefilter = 1;
    internal const byte NeedsHmac = 2;

    private readonly byte[] salt;
    private readonly byte[]? pepper;
    private readonly ulong[] keys;        // first 8 bytes of each stored hash, ascending
    private readonly int[] refIds;        // parallel to keys
    private readonly FingerprintRef[] refs; // by entry position; empty when refs are resolved on a match
    private readonly Func<int, FingerprintRef>? resolveRef;
    private readonly Dictionary<int, FingerprintRef> resolved = [];
    private readonly uint[] tagTable;     // open addressing, 0 = empty, power-of-two size
    private readonly int tagShift;
    private readonly byte[] lengthFlags;  // per length: HasPrefilter | NeedsHmac

    /// <param name="resolveRef">
    /// When given, entries need no <see cref="IndexEntry.Ref"/>: the index keeps none, and asks for the registration
    /// at an entry's position (0-based, in the order given) only when that entry matches. A million labels then
    /// cost nothing until one is found.
    /// </param>
    public FingerprintIndex(byte[] salt, byte[]? pepper, IEnumerable<IndexEntry> entries,
        Func<int, FingerprintRef>? resolveRef = null)
    {
        this.salt = salt;
        this.pepper = pepper;
        this.resolveRef = resolveRef;
        var keyList = new List<ulong>();
        var refList = new List<FingerprintRef>();
        var tags = new List<uint>();
        var flags = new byte[1];
        foreach (var entry in entries)
        {
            if (entry.Length < 1)
            {
                throw new ArgumentException("An index entry needs a positive length.", nameof(entries));
            }
            keyList.Add(KeyOf(entry.StoredHash));
            if (resolveRef is null)
            {
                refList.Add(entry.Ref ?? throw new ArgumentException("An index entry needs its registration.", nameof(entries)));
            }
            if (entry.Length >= flags.Length)
            {
                Array.Resize(ref flags, Math.Max(entry.Length + 1, flags.Length * 2));
            }
            if (entry.Prefilter is { } tag)
            {
                tags.Add(tag);
                flags[entry.Length] |= HasPrefilter;
            }
            else
            {
                flags[entry.Length] |= NeedsHmac;
            }
        }
        Count = keyList.Count;
        keys = [.. keyList];
        refIds = new int[keys.Length];
        for (var i = 0; i < refIds.Length; i++)
        {
            refIds[i] = i;
        }
        Array.Sort(keys, refIds);
        refs = [.. refList];

        var lengths = new List<int>();
        for (var l = 0; l < flags.Length; l++)
        {
            if (flags[l] != 0)
            {
                lengths.Add(l);
            }
        }
        Lengths = [.. lengths];
        MinLength = Lengths.Length == 0 ? 0 : Lengths[0];
        MaxLength = Lengths.Length == 0 ? 0 : Lengths[^1];
        lengthFlags = new byte[MaxLength + 1];
        Array.Copy(flags, lengthFlags, lengthFlags.Length);

        var tableSize = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, tags.Count * 2));
        tagShift = 32 - BitOperations.Log2((uint)tableSize);
        tagTable = new uint[tableSize];
        // A blocked Bloom filter in front of the table: 16 bits per tag, three of them in one 64-bit word, so a
        // window costs one memory access and ~1 % of windows go on to the table (200 KB for 100 000 tags).
        var bloomWords = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(512, tags.Count / 4));
        Bloom = new ulong[bloomWords];
        BloomShift = 64 - BitOperations.Log2((uint)bloomWords);
        foreach (var tag in tags)
        {
            var t = tag == 0 ? 1 : tag;
            var spread = Spread(t);
            Bloom[spread >> BloomShift] |= BloomBits(spread);
            var slot = (int)((t * 0x9E3779B9u) >> tagShift);
            while (tagTable[slot] != 0 && tagTable[slot] != t)
            {
                slot = (slot + 1) & (tableSize - 1);
            }
            tagTable[slot] = t;
        }
        Prefilter = new Prefilter(salt.Length == 0 ? [0] : salt);
        Powers = new ulong[MaxLength + 1];
        Powers[0] = 1;
        for (var l = 1; l < Powers.Length; l++)
        {
            Powers[l] = Prefilter.MulMod(Powers[l - 1], Prefilter.Base);
        }
        var longLengths = new List<int>();
        ShortLengthMask = new ulong[4];
        foreach (var l in Lengths)
        {
            if (l > ShortWindow)
            {
                longLengths.Add(l);
                continue;
            }
            ShortLengthMask[l >> 6] |= 1UL << l;
            HasShortHmacLengths |= (lengthFlags[l] & NeedsHmac) != 0;
        }
        LongLengths = [.. longLengths];
        ShortMax = Math.Min(MaxLength, ShortWindow);
    }

    /// <summary>
    /// Windows up to this length are found from bitmaps (token boundaries ahead of a start, AND registered lengths);
    /// longer registered lengths (PEM bodies, long JWTs) are few and tried one by one.
    /// </summary>
    internal const int ShortWindow = 255;

    /// <summary>Bit L set when some registration has length L (L ≤ <see cref="ShortWindow"/>), in four words.</summary>
    internal ulong[] ShortLengthMask { get; }

    /// <summary>True when some short length has registrations without a prefilter tag (every window pays an HMAC).</summary>
    internal bool HasShortHmacLengths { get; }

    /// <summary>The Bloom filter's words and the shift that takes a spread tag to its word.</summary>
    internal ulong[] Bloom { get; }

    internal int BloomShift { get; }

    /// <summary>A tag spread over 64 bits: the high bits pick the Bloom word, the low 18 bits the three bits in it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong Spread(uint tag) => tag * 0x9E3779B97F4A7C15UL;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong BloomBits(ulong spread)
        => (1UL << (int)spread) | (1UL << (int)(spread >> 6)) | (1UL << (int)(spread >> 12));

    /// <summary>Base^L mod 2^61−1 for every L up to <see cref="MaxLength"/>: a window's hash from prefix hashes.</summary>
    internal ulong[] Powers { get; }

    /// <summary>Registered lengths above <see cref="ShortWindow"/>, ascending.</summary>
    internal int[] LongLengths { get; }

    /// <summary>The longest registered length that is walked as a short window.</summary>
    internal int ShortMax { get; }

    public static FingerprintIndex Empty { get; } = new([], null, []);

    public int Count { get; }

    /// <summary>Distinct registered secret lengths in bytes, ascending: only windows of these lengths are hashed.</summary>
    public int[] Lengths { get; }

    public int MinLength { get; }

    public int MaxLength { get; }

    /// <summary>The salt-keyed prefilter the candidates' tags are computed with.</summary>
    public Prefilter Prefilter { get; }

    internal ReadOnlySpan<byte> LengthFlags => lengthFlags;

    /// <summary>True when some registration may have this prefilter tag (false positives ~ count / 2^32).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal bool MayHaveTag(uint tag)
    {
        var t = tag == 0 ? 1 : tag;
        return InBloom(t) && InTagTable(t);
    }

    /// <summary>The Bloom filter's answer for <paramref name="t"/>, a tag with 0 mapped to 1 (~1 % false hits).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal bool InBloom(uint t)
    {
        var spread = Spread(t);
        var bits = BloomBits(spread);
        return (Bloom[spread >> BloomShift] & bits) == bits;
    }

    /// <summary>The exact check behind the Bloom filter; <paramref name="t"/> is a tag with 0 mapped to 1.</summary>
    internal bool InTagTable(uint t)
    {
        var mask = tagTable.Length - 1;
        var slot = (int)((t * 0x9E3779B9u) >> tagShift);
        while (true)
        {
            var v = tagTable[slot];
            if (v == t)
            {
                return true;
            }
            if (v == 0)
            {
                return false;
            }
            slot = (slot + 1) & mask;
        }
    }

    /// <summary>The full check: HMAC with the salt (then the pepper) and a lookup of the stored hash.</summary>
    public bool TryMatch(ReadOnlySpan<byte> candidate, out FingerprintRef[] matches)
    {
        var (first, count) = FindRange(candidate);
        if (count == 0)
        {
            matches = [];
            return false;
        }
        matches = new FingerprintRef[count];
        for (var i = 0; i < count; i++)
        {
            matches[i] = RefAt(first + i);
        }
        return true;
    }

    /// <summary>The range in the sorted key array whose registrations match the candidate (count 0 when none).</summary>
    internal (int First, int Count) FindRange(ReadOnlySpan<byte> candidate)
    {
        if (keys.Length == 0)
        {
            return (0, 0);
        }
        Span<byte> hash = stackalloc byte[32];
        HMACSHA256.HashData(salt, candidate, hash);
        if (pepper is not null)
        {
            HMACSHA256.HashData(pepper, hash, hash);
        }
        var key = KeyOf(hash);
        var i = Array.BinarySearch(keys, key);
        if (i < 0)
        {
            return (0, 0);
        }
        var first = i;
        while (first > 0 && keys[first - 1] == key)
        {
            first--;
        }
        var last = i;
        while (last + 1 < keys.Length && keys[last + 1] == key)
        {
            last++;
        }
        return (first, last - first + 1);
    }

    internal FingerprintRef RefAt(int position)
    {
        var id = refIds[position];
        if (resolveRef is null)
        {
            return refs[id];
        }
        lock (resolved) // parts of one file are scanned in parallel
        {
            if (!resolved.TryGetValue(id, out var found))
            {
                resolved[id] = found = resolveRef(id);
            }
            return found;
        }
    }

    private static ulong KeyOf(ReadOnlySpan<byte> hash) => BinaryPrimitives.ReadUInt64LittleEndian(hash);
}

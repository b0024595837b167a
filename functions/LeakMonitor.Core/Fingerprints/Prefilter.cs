using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace LeakMonitor.Core.Fingerprints;

/// <summary>
/// pfv1, the optional 32-bit prefilter tag: a polynomial hash of the normalised secret over GF(2^61−1) whose base
/// and final mix are derived from the deployment salt, truncated to 32 bits. It lets the scanner discard almost
/// every candidate with a multiply-add per byte instead of an HMAC. It is keyed (worthless without the salt) but
/// NOT a cryptographic MAC: with the salt and the stored tag, an attacker can shortlist guesses 2^32 times faster
/// than the pepper alone would allow. See docs/fingerprints.md ("What the prefilter leaks").
/// </summary>
public sealed class Prefilter
{
    public const string Version = "pfv1";
    public const ulong Modulus = (1UL << 61) - 1;

    private readonly ulong mixAdd;
    private readonly ulong mixLength;

    internal ulong MixAdd => mixAdd;

    internal ulong MixLength => mixLength;

    public Prefilter(ReadOnlySpan<byte> salt)
    {
        Span<byte> key = stackalloc byte[32];
        HMACSHA256.HashData(salt, "leakmonitor prefilter pfv1"u8, key);
        Base = (BinaryPrimitives.ReadUInt64LittleEndian(key) % (Modulus - 2)) + 2;
        mixAdd = BinaryPrimitives.ReadUInt64LittleEndian(key[8..]);
        mixLength = BinaryPrimitives.ReadUInt64LittleEndian(key[16..]) | 1;
    }

    /// <summary>The secret polynomial base: hash(b0..bn-1) = Σ (b_i + 1)·Base^(n-1-i) mod 2^61−1.</summary>
    public ulong Base { get; }

    public uint Compute(ReadOnlySpan<byte> normalizedSecret)
    {
        ulong h = 0;
        foreach (var b in normalizedSecret)
        {
            h = AddByte(MulMod(h, Base), b);
        }
        return Tag(h, normalizedSecret.Length);
    }

    /// <summary>The 32-bit tag of a polynomial hash of a window of <paramref name="length"/> bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint Tag(ulong polynomial, int length) => Tag(polynomial, length, mixAdd, mixLength);

    /// <summary><see cref="Tag(ulong, int)"/> with the keys in locals, for the scanner's inner loop.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static uint Tag(ulong polynomial, int length, ulong mixAdd, ulong mixLength)
    {
        // A keyed bijective finaliser (murmur3 fmix64) hides the linear structure before truncation.
        var x = (polynomial + mixAdd) ^ ((ulong)length * mixLength);
        x ^= x >> 33;
        x *= 0xff51afd7ed558ccdUL;
        x ^= x >> 33;
        x *= 0xc4ceb9fe1a85ec53UL;
        x ^= x >> 33;
        return (uint)(x >> 32);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong AddByte(ulong h, byte b)
    {
        var s = h + b + 1;
        return s >= Modulus ? s - Modulus : s;
    }

    /// <summary>a·b mod 2^61−1 for a, b &lt; 2^61.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong MulMod(ulong a, ulong b)
    {
        var hi = Math.BigMul(a, b, out var lo);
        // a·b = hi·2^64 + lo, and 2^64 ≡ 8 (mod 2^61−1).
        var s = (lo & Modulus) + (lo >> 61) + (hi << 3);
        s = (s & Modulus) + (s >> 61);
        return s >= Modulus ? s - Modulus : s;
    }

    /// <summary>(a − b) mod 2^61−1 for a, b &lt; 2^61−1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong SubMod(ulong a, ulong b) => a >= b ? a - b : a + Modulus - b;

    public static string Format(uint tag)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, tag);
        return $"{Version}:{Base64Url.Encode(bytes)}";
    }

    /// <summary>Parses <c>pfv1:&lt;base64url of 4 bytes&gt;</c>.</summary>
    public static bool TryParse(string? text, out uint tag, out string error)
    {
        tag = 0;
        var prefix = Version + ":";
        if (text is null || !text.StartsWith(prefix, StringComparison.Ordinal)
            || !Base64Url.TryDecode(text[prefix.Length..], out var bytes) || bytes.Length != 4)
        {
            error = $"must be '{Version}:' followed by 4 bytes in base64url, as 'leakmon fingerprint' writes it";
            return false;
        }
        tag = BinaryPrimitives.ReadUInt32BigEndian(bytes);
        error = "";
        return true;
    }
}

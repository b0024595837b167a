using System.Buffers;
using System.Runtime.CompilerServices;

namespace LeakMonitor.Core.Matching;

/// <summary>Byte class tables for the hot path: lookups, no branches on ranges, no allocation.</summary>
internal static class ByteClasses
{
    /// <summary>Whitespace and control bytes: no candidate window contains one.</summary>
    public static readonly SearchValues<byte> Delimiters = SearchValues.Create(MakeDelimiters());

    /// <summary>Base64 and base64url alphabet (without padding).</summary>
    public static readonly SearchValues<byte> Base64 =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_"u8);

    public static readonly SearchValues<byte> Hex = SearchValues.Create("0123456789abcdefABCDEF"u8);

    /// <summary>Bytes that can start an escape one of the line decoders understands.</summary>
    public static readonly SearchValues<byte> EscapeStarts = SearchValues.Create("\\%&='\""u8);

    private static readonly bool[] word = MakeWord();

    /// <summary>Letters, digits, '_' and every non-ASCII byte: a token does not start or end between two of them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsWord(byte b) => word[b];

    public static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };

    private static byte[] MakeDelimiters()
    {
        var list = new List<byte>();
        for (var b = 0; b <= 0x20; b++)
        {
            list.Add((byte)b);
        }
        list.Add(0x7F);
        return [.. list];
    }

    private static bool[] MakeWord()
    {
        var table = new bool[256];
        for (var b = 0; b < 256; b++)
        {
            table[b] = b >= 0x80 || b == '_' || char.IsAsciiLetterOrDigit((char)b);
        }
        return table;
    }
}

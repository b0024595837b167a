namespace LeakMonitor.Core.Tests.Fuzz;

/// <summary>
/// Deterministic damage for fuzzing: from one seed value, the same mutant every time, so a failure can be replayed
/// and its input kept. Bit flips, truncations, splices with another input, duplicated regions, hostile bytes.
/// </summary>
internal static class Mutations
{
    private static readonly byte[] Hostile = [0x00, 0xFF, 0x7F, 0x80, 0xC0, 0xED, 0x1F, 0x8B, (byte)'<', (byte)'>',
        (byte)'&', (byte)'"', (byte)'=', (byte)'\n', (byte)'\r', (byte)'%', (byte)'+', (byte)'/', (byte)'['];

    /// <summary>One to eight mutations of <paramref name="input"/>; <paramref name="donor"/> supplies splices.</summary>
    public static byte[] Mutate(byte[] input, byte[] donor, int seed)
    {
        var rng = new Random(seed);
        var bytes = new List<byte>(input);
        for (var i = rng.Next(1, 9); i > 0; i--)
        {
            var at = bytes.Count == 0 ? 0 : rng.Next(bytes.Count);
            switch (rng.Next(7))
            {
                case 0 when bytes.Count > 0:
                    bytes[at] ^= (byte)(1 << rng.Next(8)); // flip a bit
                    break;
                case 1:
                    bytes.RemoveRange(at, bytes.Count - at); // truncate
                    break;
                case 2 when donor.Length > 0:
                    var from = rng.Next(donor.Length); // splice: our head, the donor's tail
                    bytes.RemoveRange(at, bytes.Count - at);
                    bytes.AddRange(donor.AsSpan(from, Math.Min(donor.Length - from, 4096)).ToArray());
                    break;
                case 3 when bytes.Count > 0:
                    var length = Math.Min(rng.Next(1, 512), bytes.Count - at); // duplicate a region, a few times
                    var region = bytes.GetRange(at, length);
                    for (var n = rng.Next(1, 4); n > 0; n--)
                    {
                        bytes.InsertRange(at, region);
                    }
                    break;
                case 4:
                    bytes.Insert(at, Hostile[rng.Next(Hostile.Length)]);
                    break;
                case 5 when bytes.Count > 0:
                    bytes.RemoveRange(at, Math.Min(rng.Next(1, 64), bytes.Count - at)); // cut a hole
                    break;
                case 6 when bytes.Count >= 4:
                    // A length or size field gone wild: four bytes of a large little- or big-endian number.
                    var value = rng.Next(2) == 0 ? int.MaxValue : rng.Next();
                    var offset = Math.Min(at, bytes.Count - 4);
                    for (var b = 0; b < 4; b++)
                    {
                        bytes[offset + b] = (byte)(value >> (8 * b));
                    }
                    break;
            }
        }
        return [.. bytes];
    }
}

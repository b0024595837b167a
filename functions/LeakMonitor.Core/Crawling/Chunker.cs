namespace LeakMonitor.Core.Crawling;

/// <summary>
/// Cuts a stream into chunks of at most <c>chunkBytes</c> that overlap by <c>overlapBytes</c> (at least the longest
/// fingerprinted secret), so a secret that straddles a boundary is whole in the next chunk. Only one chunk is held
/// in memory; the stream is read once, never whole.
/// </summary>
public sealed class Chunker
{
    private readonly int chunkBytes;
    private readonly int overlapBytes;

    public Chunker(int chunkBytes, int overlapBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkBytes, 2);
        ArgumentOutOfRangeException.ThrowIfNegative(overlapBytes);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(overlapBytes, chunkBytes);
        this.chunkBytes = chunkBytes;
        this.overlapBytes = overlapBytes;
    }

    /// <summary>What was read: the bytes taken, and whether the stream went on past the cap.</summary>
    public readonly record struct Outcome(long Bytes, bool Capped);

    /// <summary>
    /// Reads at most <paramref name="maxBytes"/> and hands each chunk (a fresh array) with its offset in the stream to
    /// <paramref name="onChunk"/>, in order.
    /// </summary>
    public async Task<Outcome> ChunkAsync(Stream input, long maxBytes, Func<byte[], long, Task> onChunk, CancellationToken ct)
    {
        var buffer = new byte[chunkBytes];
        var filled = 0;      // bytes in buffer
        var fresh = 0;       // of which not yet handed out in a chunk
        long bufferOffset = 0;
        long total = 0;
        while (true)
        {
            var want = (int)Math.Min(chunkBytes - filled, maxBytes - total);
            if (want == 0 && filled < chunkBytes)
            {
                // At the cap: hand out the rest, then see whether the stream had more.
                if (fresh > 0)
                {
                    await onChunk(buffer[..filled], bufferOffset).ConfigureAwait(false);
                }
                var probe = new byte[1];
                return new Outcome(total, await input.ReadAsync(probe, ct).ConfigureAwait(false) > 0);
            }
            var read = want == 0 ? 0 : await input.ReadAsync(buffer.AsMemory(filled, want), ct).ConfigureAwait(false);
            if (read == 0 && want > 0)
            {
                if (fresh > 0)
                {
                    await onChunk(buffer[..filled], bufferOffset).ConfigureAwait(false);
                }
                return new Outcome(total, false);
            }
            filled += read;
            fresh += read;
            total += read;
            if (filled == chunkBytes)
            {
                await onChunk(buffer[..filled], bufferOffset).ConfigureAwait(false);
                Buffer.BlockCopy(buffer, chunkBytes - overlapBytes, buffer, 0, overlapBytes);
                bufferOffset += chunkBytes - overlapBytes;
                filled = overlapBytes;
                fresh = 0;
            }
        }
    }
}

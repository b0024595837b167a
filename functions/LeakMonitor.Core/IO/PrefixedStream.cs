namespace LeakMonitor.Core.IO;

/// <summary>
/// A forward-only stream whose first bytes were already read (to sniff magic bytes): replays them, then reads on
/// from the inner stream. The scanner and the dump reader both sniff this way.
/// </summary>
public sealed class PrefixedStream(byte[] prefix, int prefixLength, Stream inner) : ReadOnlyStream
{
    private int position;

    /// <summary>Reads up to <paramref name="count"/> bytes of <paramref name="inner"/>: the bytes, and a stream that replays them.</summary>
    public static async Task<(PrefixedStream Stream, byte[] Head)> PeekAsync(Stream inner, int count, CancellationToken ct)
    {
        var buffer = new byte[count];
        var filled = 0;
        int read;
        while (filled < count && (read = await inner.ReadAsync(buffer.AsMemory(filled), ct).ConfigureAwait(false)) > 0)
        {
            filled += read;
        }
        return (new PrefixedStream(buffer, filled, inner), buffer[..filled]);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (position < prefixLength)
        {
            var n = Math.Min(buffer.Length, prefixLength - position);
            prefix.AsSpan(position, n).CopyTo(buffer);
            position += n;
            return n;
        }
        return inner.Read(buffer);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (position < prefixLength)
        {
            var n = Math.Min(buffer.Length, prefixLength - position);
            prefix.AsMemory(position, n).CopyTo(buffer);
            position += n;
            return n;
        }
        return await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
}

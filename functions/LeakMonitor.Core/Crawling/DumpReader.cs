using System.Formats.Tar;
using System.IO.Compression;
using LeakMonitor.Core.IO;

namespace LeakMonitor.Core.Crawling;

/// <summary>A dump read too far: a cap was hit (a bomb, or a dump bigger than the source allows).</summary>
public sealed record DumpOutcome(long Bytes, int Members, bool Capped, string? CapReason);

/// <summary>
/// Reads a dump as the matcher needs it: plain text, never whole. gzip is decompressed on the fly (a chunk of a gzip
/// stream cannot be decoded without everything before it, so chunking compressed bytes would hide all but the first
/// chunk from the matcher); a tar (plain or gzipped) is walked member by member; a zip, whose directory is at its end,
/// is spooled to a temporary file (deleted on close) and read member by member. Every member's decompressed bytes go
/// to the <see cref="Chunker"/>; one cap counts decompressed bytes across all members, so a gzip or zip bomb stops
/// at the cap. Archives inside archives are chunked as they are (the matcher decodes those itself when small).
/// </summary>
public sealed class DumpReader(Chunker chunker, int maxMembers = 10_000)
{
    /// <summary>Calls <paramref name="onChunk"/>(member or null, chunk, offset in member) for every chunk.</summary>
    public async Task<DumpOutcome> ReadAsync(Stream body, string format, long maxBytes,
        Func<string?, byte[], long, Task> onChunk, CancellationToken ct)
    {
        var state = new State(maxBytes);
        Stream input = body;
        var kind = format;
        if (format == "auto")
        {
            (input, var head) = await PrefixedStream.PeekAsync(body, 512, ct).ConfigureAwait(false);
            kind = Sniff(head);
        }
        switch (kind)
        {
            case "gz":
            case "tar.gz":
                await using (var gunzip = new GZipStream(input, CompressionMode.Decompress, leaveOpen: true))
                {
                    Stream inner = gunzip;
                    var isTar = kind == "tar.gz";
                    if (!isTar && format == "auto")
                    {
                        (inner, var head) = await PrefixedStream.PeekAsync(gunzip, 512, ct).ConfigureAwait(false);
                        isTar = IsTar(head);
                    }
                    await (isTar ? ReadTarAsync(inner, state, onChunk, ct) : ReadMemberAsync(inner, null, state, onChunk, ct))
                        .ConfigureAwait(false);
                }
                break;
            case "tar":
                await ReadTarAsync(input, state, onChunk, ct).ConfigureAwait(false);
                break;
            case "zip":
                await ReadZipAsync(input, state, onChunk, ct).ConfigureAwait(false);
                break;
            default:
                await ReadMemberAsync(input, null, state, onChunk, ct).ConfigureAwait(false);
                break;
        }
        return new DumpOutcome(maxBytes - state.Remaining, state.Members, state.CapReason is not null, state.CapReason);
    }

    private sealed class State(long maxBytes)
    {
        public long Remaining { get; set; } = maxBytes;
        public int Members { get; set; }
        public string? CapReason { get; set; }
        public long MaxBytes { get; } = maxBytes;
    }

    internal static string Sniff(ReadOnlySpan<byte> head)
        => head.StartsWith((ReadOnlySpan<byte>)[0x1F, 0x8B]) ? "gz"
            : head.StartsWith("PK\x03\x04"u8) || head.StartsWith("PK\x05\x06"u8) ? "zip"
            : IsTar(head) ? "tar"
            : "raw";

    private static bool IsTar(ReadOnlySpan<byte> head) => head.Length >= 262 && head.Slice(257, 5).SequenceEqual("ustar"u8);

    private async Task ReadMemberAsync(Stream member, string? name, State state, Func<string?, byte[], long, Task> onChunk,
        CancellationToken ct)
    {
        if (state.CapReason is not null)
        {
            return;
        }
        state.Members++;
        var outcome = await chunker.ChunkAsync(member, state.Remaining, (chunk, offset) => onChunk(name, chunk, offset), ct)
            .ConfigureAwait(false);
        state.Remaining -= outcome.Bytes;
        if (outcome.Capped)
        {
            state.CapReason = $"more than {state.MaxBytes} bytes (decompressed); the rest was not read";
        }
    }

    private async Task ReadTarAsync(Stream input, State state, Func<string?, byte[], long, Task> onChunk, CancellationToken ct)
    {
        await using var reader = new TarReader(input, leaveOpen: true);
        while (state.CapReason is null && await NextEntryAsync(reader, ct).ConfigureAwait(false) is { } entry)
        {
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile)
                || entry.DataStream is null)
            {
                continue;
            }
            if (state.Members == maxMembers)
            {
                state.CapReason = $"more than {maxMembers} members; the rest were not read";
                return;
            }
            await ReadMemberAsync(entry.DataStream, entry.Name, state, onChunk, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The next tar entry. System.Formats.Tar answers some damaged headers (pax records, sizes past 2^63) with
    /// OverflowException or ArgumentOutOfRangeException; they are a broken dump like any other (found by the fuzz corpus).
    /// </summary>
    private static async Task<TarEntry?> NextEntryAsync(TarReader reader, CancellationToken ct)
    {
        try
        {
            return await reader.GetNextEntryAsync(copyData: false, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OverflowException or ArgumentOutOfRangeException)
        {
            throw new InvalidDataException($"damaged tar header: {e.Message}", e);
        }
    }

    private async Task ReadZipAsync(Stream input, State state, Func<string?, byte[], long, Task> onChunk, CancellationToken ct)
    {
        var path = Path.Combine(Path.GetTempPath(), $"leakmon-{Guid.NewGuid():N}.zip");
        await using var spool = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920,
            FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        // The compressed size is capped too: a zip larger than the cap is not downloaded past it.
        var buffer = new byte[81920];
        long spooled = 0;
        int read;
        while ((read = await input.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
        {
            spooled += read;
            if (spooled > state.MaxBytes)
            {
                state.CapReason = $"the zip is larger than {state.MaxBytes} bytes; it was not read";
                return;
            }
            await spool.WriteAsync(buffer.AsMemory(0, read), ct).ConfigureAwait(false);
        }
        spool.Position = 0;
        using var zip = new ZipArchive(spool, ZipArchiveMode.Read, leaveOpen: true);
        foreach (var entry in zip.Entries)
        {
            if (state.CapReason is not null)
            {
                return;
            }
            if (entry.FullName.EndsWith('/'))
            {
                continue;
            }
            if (state.Members == maxMembers)
            {
                state.CapReason = $"more than {maxMembers} members; the rest were not read";
                return;
            }
            await using var member = entry.Open();
            await ReadMemberAsync(member, entry.FullName, state, onChunk, ct).ConfigureAwait(false);
        }
    }
}

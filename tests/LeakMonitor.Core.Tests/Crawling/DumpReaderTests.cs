using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using LeakMonitor.Core.Crawling;

namespace LeakMonitor.Core.Tests.Crawling;

public sealed class DumpReaderTests
{
    private const string Secret = "ghp_ChunkBoundarySecret0000000000000000";

    [Fact]
    public async Task A_secret_straddling_a_chunk_boundary_is_whole_in_the_next_chunk()
    {
        var chunker = new Chunker(chunkBytes: 1000, overlapBytes: 100);
        // The secret starts 20 bytes before the first boundary.
        var text = new string('x', 980) + Secret + new string('y', 1500);
        var chunks = new List<(byte[] Bytes, long Offset)>();
        var outcome = await chunker.ChunkAsync(new MemoryStream(Encoding.ASCII.GetBytes(text)), long.MaxValue,
            (c, o) => { chunks.Add((c, o)); return Task.CompletedTask; }, default);

        Assert.Equal(text.Length, outcome.Bytes);
        Assert.False(outcome.Capped);
        Assert.Equal([0L, 900L, 1800L], chunks.Select(c => c.Offset));
        Assert.All(chunks, c => Assert.True(c.Bytes.Length <= 1000));
        Assert.DoesNotContain(Secret, Encoding.ASCII.GetString(chunks[0].Bytes));
        Assert.Contains(Secret, Encoding.ASCII.GetString(chunks[1].Bytes));
        // Every byte is in some chunk, at its offset.
        Assert.Equal(text, string.Concat(chunks.Select((c, i) =>
            Encoding.ASCII.GetString(c.Bytes).Substring(i == 0 ? 0 : 100))));
    }

    [Fact]
    public async Task A_gzip_bomb_stops_at_the_cap_of_decompressed_bytes()
    {
        var bomb = new MemoryStream();
        await using (var gzip = new GZipStream(bomb, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var zeros = new byte[1 << 20];
            for (var i = 0; i < 200; i++)
            {
                gzip.Write(zeros); // 200 MiB of zeros in ~200 KB
            }
        }
        bomb.Position = 0;
        long seen = 0;
        var outcome = await new DumpReader(new Chunker(1 << 20, 1 << 10)).ReadAsync(bomb, "auto", 5 << 20,
            (_, c, _) => { seen += c.Length; return Task.CompletedTask; }, default);
        Assert.True(outcome.Capped);
        Assert.Equal(5 << 20, outcome.Bytes);
        Assert.Contains("decompressed", outcome.CapReason);
    }

    [Fact]
    public async Task A_zip_bomb_stops_at_the_cap_of_decompressed_bytes_across_members()
    {
        var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            var zeros = new byte[1 << 20];
            for (var member = 0; member < 3; member++)
            {
                await using var entry = archive.CreateEntry($"bomb{member}.bin", CompressionLevel.SmallestSize).Open();
                for (var i = 0; i < 40; i++)
                {
                    await entry.WriteAsync(zeros); // 40 MiB per member, ~40 KB compressed
                }
            }
        }
        Assert.True(zip.Length < 1 << 20);
        zip.Position = 0;
        var members = new HashSet<string?>();
        var outcome = await new DumpReader(new Chunker(1 << 20, 1 << 10)).ReadAsync(zip, "auto", 50L << 20,
            (member, _, _) => { members.Add(member); return Task.CompletedTask; }, default);
        Assert.True(outcome.Capped);
        Assert.Equal(50L << 20, outcome.Bytes);
        Assert.Equal(["bomb0.bin", "bomb1.bin"], members.Order());
    }

    [Fact]
    public async Task A_zip_larger_than_the_cap_is_not_downloaded_past_it()
    {
        var random = new byte[300_000];
        new Random(7).NextBytes(random);
        var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            await using var entry = archive.CreateEntry("noise.bin", CompressionLevel.NoCompression).Open();
            await entry.WriteAsync(random);
        }
        zip.Position = 0;
        var outcome = await new DumpReader(new Chunker(1 << 16, 1 << 8)).ReadAsync(zip, "zip", 100_000,
            (_, _, _) => Task.CompletedTask, default);
        Assert.True(outcome.Capped);
        Assert.Contains("zip is larger than 100000 bytes", outcome.CapReason);
    }

    [Fact]
    public void Chunk_overlap_of_more_than_half_a_chunk_is_refused_at_start_with_the_setting_name()
    {
        var options = new CrawlOptions { ChunkBytes = 65536, ChunkOverlapBytes = 40000, SocksProxies = "socks5://127.0.0.1:9050,http://proxy:8080" };
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        Assert.False(System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options,
            new System.ComponentModel.DataAnnotations.ValidationContext(options), results, validateAllProperties: true));
        Assert.Contains(results, r => r.ErrorMessage!.Contains("Crawl:ChunkOverlapBytes", StringComparison.Ordinal));
        Assert.Contains(results, r => r.ErrorMessage!.Contains("'http://proxy:8080' is not a socks5://host:port URL", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Tar_gz_and_zip_members_are_read_with_their_names()
    {
        var tar = new MemoryStream();
        await using (var gzip = new GZipStream(tar, CompressionLevel.Fastest, leaveOpen: true))
        await using (var writer = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (name, text) in new[] { ("etc/a.env", "A=1\n"), ("b.txt", "B=2\n") })
            {
                await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.ASCII.GetBytes(text)) });
            }
        }
        tar.Position = 0;
        Assert.Equal(["etc/a.env:A=1\n", "b.txt:B=2\n"], await ReadAllAsync(tar));

        var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            await using var entry = archive.CreateEntry("dump/users.csv").Open();
            await entry.WriteAsync(Encoding.ASCII.GetBytes("user,pass\n"));
        }
        zip.Position = 0;
        Assert.Equal(["dump/users.csv:user,pass\n"], await ReadAllAsync(zip));
    }

    private static async Task<List<string>> ReadAllAsync(Stream dump)
    {
        var parts = new List<string>();
        await new DumpReader(new Chunker(1 << 16, 1 << 8)).ReadAsync(dump, "auto", 1 << 20,
            (member, chunk, _) => { parts.Add($"{member}:{Encoding.ASCII.GetString(chunk)}"); return Task.CompletedTask; }, default);
        return parts;
    }
}

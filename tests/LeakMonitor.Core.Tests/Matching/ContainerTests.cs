using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using LeakMonitor.Core.Matching;
using static LeakMonitor.Core.Tests.Matching.Secrets;

namespace LeakMonitor.Core.Tests.Matching;

/// <summary>Whole-stream encodings: compression, archives (nested) and UTF-16, found by their bytes, not names.</summary>
public class ContainerTests
{
    [Fact]
    public void Github_token_in_gzip_is_found()
    {
        var f = Scan(Gzip(Encoding.UTF8.GetBytes("x\nGITHUB_TOKEN=" + GitHubToken + "\n"))).Single("github");
        Assert.Equal(("gzip", 2L), (f.DecoderChain, f.Line));
    }

    [Fact]
    public void Secret_in_deflated_zip_member_is_found_with_member_path()
    {
        var zip = Zip(("docs/readme.txt", "nothing here"), ("config/prod.env", "STRIPE_KEY=" + StripeKey + "\n"));
        var f = Scan(zip).Single("stripe");
        Assert.Equal(("config/prod.env", "zip"), (f.Path, f.DecoderChain));
    }

    [Fact]
    public void Secret_in_tar_gz_is_found_with_member_path()
    {
        var tgz = Gzip(Tar(("app/.npmrc", "//registry.npmjs.org/:_authToken=" + NpmToken)));
        var f = Scan(tgz).Single("npm");
        Assert.Equal(("app/.npmrc", "gzip>tar"), (f.Path, f.DecoderChain));
    }

    [Fact]
    public void Secret_in_gzip_inside_zip_inside_tar_gz_is_found()
    {
        var inner = Zip(("logs/app.log.gz", Gzip(Encoding.UTF8.GetBytes("token=" + SlackBotToken))));
        var tgz = Gzip(Tar(("backup/bundle.zip", inner)));
        var f = Scan(tgz).Single("slack");
        Assert.Equal(("backup/bundle.zip!logs/app.log.gz", "gzip>tar>zip>gzip"), (f.Path, f.DecoderChain));
    }

    [Fact]
    public void Secret_in_base64_of_gzip_is_found()
    {
        var text = "H4sI payload: " + Convert.ToBase64String(Gzip(Encoding.UTF8.GetBytes("key " + AwsSecretKey)));
        Assert.Equal("base64>gzip", Scan(text).Single("aws-secret").DecoderChain);
    }

    [Fact]
    public void Secret_in_utf16_le_with_bom_is_found()
    {
        var bytes = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("line1\r\ntoken=" + GitHubToken))
            .ToArray();
        var f = Scan(bytes).Single("github");
        Assert.Equal(("utf16le", 2L), (f.DecoderChain, f.Line));
    }

    [Fact]
    public void Secret_in_utf16_be_without_bom_is_found()
    {
        var bytes = Encoding.BigEndianUnicode.GetBytes("password=" + Password + "\n");
        Assert.Equal("utf16be", Scan(bytes).Single("password").DecoderChain);
    }

    [Theory]
    [InlineData("tar-huge-size.tar")]           // a member claiming more than 2 GiB
    [InlineData("found-03f0f885d5302367.bin")]  // a damaged pax header (found by scripts/fuzz.sh)
    public void Tar_with_a_lying_header_is_reported_unreadable_and_the_rest_of_the_document_still_matches(string file)
    {
        var tar = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fuzz", "corpus", file));
        var document = new MemoryStream(Encoding.UTF8.GetBytes("before: " + GitHubToken + "\n" + Convert.ToBase64String(tar) + "\n"));

        var report = Scanner.Scan(document, TestIndex, ScanOptions.Default, default);

        Assert.True(report.UnreadableParts > 0);
        Assert.Equal(["github"], report.Findings.Labels());
        var direct = Scanner.Scan(new MemoryStream(tar), TestIndex, ScanOptions.Default, default);
        Assert.True(direct.UnreadableParts > 0);
    }

    [Fact]
    public void Gzip_bomb_stops_at_the_budget_without_throwing_and_earlier_members_still_match()
    {
        var bomb = GzipZeros(64 << 20); // 64 MB of zeros, then the secret: beyond a 16 MB budget
        var zip = Zip(("a.txt", "token " + GitHubToken), ("bomb.gz", bomb));
        var report = Scanner.Scan(new MemoryStream(zip), TestIndex, new ScanOptions { MaxExpandedBytes = 16 << 20 },
            CancellationToken.None);
        Assert.True(report.BudgetExhausted);
        Assert.Equal(["github"], report.Findings.Labels());
    }

    [Fact]
    public void Secret_behind_the_budget_is_not_reached_but_within_it_is()
    {
        var data = Gzip([.. new byte[4 << 20], .. Encoding.UTF8.GetBytes("\ntoken " + GitHubToken)]);
        var tight = Scanner.Scan(new MemoryStream(data), TestIndex, new ScanOptions { MaxExpandedBytes = 1 << 20 },
            CancellationToken.None);
        var roomy = Scanner.Scan(new MemoryStream(data), TestIndex, new ScanOptions { MaxExpandedBytes = 8 << 20 },
            CancellationToken.None);
        Assert.True(tight.BudgetExhausted);
        Assert.Empty(tight.Findings);
        Assert.False(roomy.BudgetExhausted);
        Assert.Equal(["github"], roomy.Findings.Labels());
    }

    [Fact]
    public void Nesting_beyond_the_depth_limit_is_not_expanded()
    {
        var data = Encoding.UTF8.GetBytes("token " + GitHubToken);
        for (var i = 0; i < 3; i++)
        {
            data = Gzip(data);
        }
        var shallow = Scanner.Scan(new MemoryStream(data), TestIndex, new ScanOptions { MaxDepth = 2 }, default);
        var deep = Scanner.Scan(new MemoryStream(data), TestIndex, new ScanOptions { MaxDepth = 3 }, default);
        Assert.True(shallow.DepthLimitReached);
        Assert.Empty(shallow.Findings);
        Assert.Equal("gzip>gzip>gzip", deep.Findings.Single("github").DecoderChain);
    }

    [Fact]
    public void Corrupt_gzip_is_reported_unreadable_not_thrown()
    {
        var data = Gzip(Encoding.UTF8.GetBytes(new string('a', 10000) + " " + GitHubToken));
        data[20] ^= 0xFF;
        data[21] ^= 0xFF;
        var report = Scanner.Scan(new MemoryStream(data), TestIndex, ScanOptions.Default, default);
        Assert.Equal(1, report.UnreadableParts);
    }

    internal static byte[] Gzip(byte[] data)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }
        return output.ToArray();
    }

    private static byte[] GzipZeros(int count)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            var zeros = new byte[1 << 20];
            for (var written = 0; written < count; written += zeros.Length)
            {
                gzip.Write(zeros);
            }
            gzip.Write(Encoding.UTF8.GetBytes("\ntoken " + GitHubToken));
        }
        return output.ToArray();
    }

    internal static byte[] Zip(params (string Name, object Content)[] members)
    {
        var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in members)
            {
                using var s = zip.CreateEntry(name, CompressionLevel.Optimal).Open();
                s.Write(content as byte[] ?? Encoding.UTF8.GetBytes((string)content));
            }
        }
        return output.ToArray();
    }

    internal static byte[] Tar(params (string Name, object Content)[] members)
    {
        var output = new MemoryStream();
        using (var tar = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (name, content) in members)
            {
                var bytes = content as byte[] ?? Encoding.UTF8.GetBytes((string)content);
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(bytes) });
            }
        }
        return output.ToArray();
    }
}

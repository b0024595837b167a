using System.Text;
using LeakMonitor.Core.Matching;
using static LeakMonitor.Core.Tests.Matching.Secrets;

namespace LeakMonitor.Core.Tests.Matching;

/// <summary>A large file scanned in parallel parts must report exactly what one pass over it reports.</summary>
public sealed class FilePartsTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("leakmon-parts-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void File_scanned_in_parallel_parts_reports_the_same_findings_lines_and_offsets_as_one_pass()
    {
        var path = Path.Combine(folder, "dump.txt");
        File.WriteAllText(path, DenseLeaks(blocks: 400));
        var whole = Scanner.Scan(File.OpenRead(path), TestIndex, ScanOptions.Default, default).Findings;

        var parted = Scanner.ScanFile(path, TestIndex, ScanOptions.Default, parallelism: 4, minPartBytes: 16 << 10,
            default).Findings;

        using (var file = File.OpenHandle(path))
        {
            Assert.True(FileParts.Cut(file, new FileInfo(path).Length, 16).Count >= 8, "the file was not cut");
        }
        Assert.True(whole.Count >= 400 * 7, $"only {whole.Count} findings in one pass");
        Assert.Equal(Describe(whole), Describe(parted));
    }

    [Fact]
    public void Cut_is_never_inside_a_private_key_block()
    {
        var text = "intro\n" + Rewrapped(64, "\n") + "after\n";
        var insideBody = text.IndexOf("-----BEGIN", StringComparison.Ordinal) + 200;
        var cut = FileParts.SafeCut(Encoding.UTF8.GetBytes(text), insideBody);
        Assert.Equal(text.IndexOf("after", StringComparison.Ordinal), cut);
    }

    [Fact]
    public void Cut_is_never_just_after_a_soft_line_break()
    {
        var text = "first line\n" + new string('q', 70) + "=\r\n" + new string('r', 70) + "=\r\nlast=3D\r\nnext\n";
        var cut = FileParts.SafeCut(Encoding.UTF8.GetBytes(text), 12);
        Assert.Equal(text.IndexOf("next", StringComparison.Ordinal), cut);
    }

    [Fact]
    public void No_cut_when_no_safe_line_end_is_near()
    {
        var text = "-----BEGIN PRIVATE KEY-----\n" + string.Concat(Enumerable.Repeat("QUJD\n", 100));
        Assert.Equal(-1, FileParts.SafeCut(Encoding.UTF8.GetBytes(text), 40));
    }

    [Fact]
    public void Compressed_file_is_scanned_whole_and_still_found()
    {
        var path = Path.Combine(folder, "dump.gz");
        using (var gzip = new System.IO.Compression.GZipStream(File.Create(path), System.IO.Compression.CompressionLevel.Fastest))
        {
            gzip.Write(Encoding.UTF8.GetBytes(DenseLeaks(blocks: 50)));
        }
        var findings = Scanner.ScanFile(path, TestIndex, ScanOptions.Default, parallelism: 4, minPartBytes: 1024,
            default).Findings;
        Assert.Contains(findings, f => f.DecoderChain == "gzip>pem");
    }

    [Fact]
    public async Task A_named_pipe_is_scanned_in_one_pass()
    {
        var fifo = Path.Combine(folder, "pipe");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo]))
        {
            await mkfifo.WaitForExitAsync();
        }
        var writer = Task.Run(() => File.WriteAllText(fifo, "leaked " + GitHubToken + "\n"));

        var findings = Scanner.ScanFile(fifo, TestIndex, ScanOptions.Default, parallelism: 4, default).Findings;

        await writer;
        Assert.Equal(["github"], findings.Labels());
    }

    /// <summary>
    /// Leaks packed so tightly that every wanted cut lands in or next to a multi-line construct: PEM blocks at two
    /// wrappings, quoted-printable mail with soft breaks inside the token, plain, base64 and escaped secrets.
    /// </summary>
    private static string DenseLeaks(int blocks)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < blocks; i++)
        {
            sb.Append("paste ").Append(i).Append(": deploy key\n");
            sb.Append(i % 2 == 0 ? Rewrapped(64, "\n") : Rewrapped(76, "\r\n"));
            sb.Append("token=").Append(GitHubToken).Append('\n');
            sb.Append(QuotedPrintableMail());
            sb.Append("aws_secret_access_key = \"").Append(AwsSecretKey.Replace("/", "\\/")).Append("\"\n");
            sb.Append("b64 ").Append(B64("password: " + Password)).Append('\n');
            var wrapped = B64("# wrapped by base64(1)\nnpm_token=" + NpmToken + "\nstripe=" + StripeKey + "\n");
            for (var c = 0; c < wrapped.Length; c += 76)
            {
                sb.Append(wrapped, c, Math.Min(76, wrapped.Length - c)).Append('\n');
            }
        }
        return sb.ToString();
    }

    private static string QuotedPrintableMail()
    {
        var body = "Hi team, the bot token for the release channel is " + SlackBotToken + " - keep it safe.";
        var sb = new StringBuilder();
        for (var i = 0; i < body.Length; i += 75)
        {
            sb.Append(body, i, Math.Min(75, body.Length - i)).Append(i + 75 < body.Length ? "=\r\n" : "\r\n");
        }
        return sb.ToString();
    }

    private static string[] Describe(List<Finding> findings)
        => [.. findings.Select(f => $"{f.Fingerprint.Label} {f.Line}:{f.Offset} {f.DecoderChain}").Order(StringComparer.Ordinal)];
}

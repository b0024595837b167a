using System.Text;
using System.Text.Json;
using LeakMonitor.Cli.Commands;
using LeakMonitor.Core.Tests.Matching;

namespace LeakMonitor.Core.Tests.Cli;

/// <summary>The leakmon commands end to end, in process: what they print, and what they never print.</summary>
public sealed class CliTests : IDisposable
{
    private static readonly string SaltBase64 = Convert.ToBase64String(Secrets.Salt);
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("leakmon-cli-");

    public void Dispose() => dir.Delete(recursive: true);

    private FileInfo Fingerprint(string input, out string stdout, out string stderr, out int exit)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        exit = FingerprintCommand.Run(SaltBase64, new StringReader(input), output, error);
        stdout = output.ToString();
        stderr = error.ToString();
        var registry = new FileInfo(Path.Combine(dir.FullName, "registry.jsonl"));
        File.WriteAllText(registry.FullName, stdout);
        return registry;
    }

    private int Scan(FileInfo registry, string[] paths, out string stdout, out string stderr, Stream? stdin = null)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = ScanCommand.Run(registry, SaltBase64, paths, () => stdin ?? Stream.Null, output, error,
            CancellationToken.None);
        stdout = output.ToString();
        stderr = error.ToString();
        return exit;
    }

    [Fact]
    public void Fingerprint_then_scan_finds_planted_secrets_and_never_prints_them()
    {
        var input = JsonSerializer.Serialize(new { label = "github-ci", secret = Secrets.GitHubToken }) + "\n"
            + JsonSerializer.Serialize(new { label = "deploy-key", secret = Secrets.PrivateKeyPem }) + "\n"
            + Secrets.Password + "\n";
        var registry = Fingerprint(input, out var fpOut, out var fpErr, out var fpExit);
        Assert.Equal(0, fpExit);
        Assert.Equal(3, fpOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("\"prefilter\":\"pfv1:", fpOut, StringComparison.Ordinal);

        File.WriteAllText(Path.Combine(dir.FullName, "paste.txt"), "leaked: " + Secrets.GitHubToken + "\n"
            + Secrets.Rewrapped(76, "\r\n"));
        var zip = ContainerTests.Zip(("etc/app.env", "PASSWORD=" + Secrets.Password + "\n"));
        File.WriteAllBytes(Path.Combine(dir.FullName, "backup.zip"), zip);
        var exit = Scan(registry, [dir.FullName], out var stdout, out var stderr);

        Assert.Equal(1, exit);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Contains(lines, l => l.GetProperty("label").GetString() == "github-ci"
            && l.GetProperty("path").GetString()!.EndsWith("paste.txt", StringComparison.Ordinal)
            && l.GetProperty("line").GetInt64() == 1);
        Assert.Contains(lines, l => l.GetProperty("label").GetString() == "deploy-key"
            && l.GetProperty("decoders").GetString() == "pem");
        Assert.Contains(lines, l => l.GetProperty("label").GetString() == "secret-3"
            && l.GetProperty("path").GetString()!.EndsWith("backup.zip!etc/app.env", StringComparison.Ordinal)
            && l.GetProperty("decoders").GetString() == "zip");
        foreach (var printed in new[] { fpOut, fpErr, stdout, stderr })
        {
            Assert.DoesNotContain(Secrets.GitHubToken, printed, StringComparison.Ordinal);
            Assert.DoesNotContain(Secrets.Password, printed, StringComparison.Ordinal);
            Assert.DoesNotContain(Secrets.PemBody[..40], printed, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Scan_of_clean_stdin_exits_0_and_of_leaking_stdin_exits_1()
    {
        var registry = Fingerprint(Secrets.NpmToken + "\n", out _, out _, out _);
        Assert.Equal(0, Scan(registry, ["-"], out var clean, out _, new MemoryStream("nothing here"u8.ToArray())));
        Assert.Empty(clean);
        var leaking = new MemoryStream(Encoding.UTF8.GetBytes("x\n_authToken=" + Secrets.NpmToken));
        Assert.Equal(1, Scan(registry, ["-"], out var found, out _, leaking));
        Assert.Contains("\"path\":\"-\"", found, StringComparison.Ordinal);
        Assert.Contains("\"line\":2", found, StringComparison.Ordinal);
    }

    [Fact]
    public void Scan_reads_each_label_back_from_its_own_registry_line()
    {
        var registry = Fingerprint(
            JsonSerializer.Serialize(new { label = "stripe-live", secret = Secrets.StripeKey }) + "\n"
            + JsonSerializer.Serialize(new { label = "npm-publish", secret = Secrets.NpmToken }) + "\n",
            out var fingerprints, out _, out _);
        var lines = fingerprints.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // Blank lines, CRLF and a line without a label: positions in the index are not line numbers.
        var unlabelled = lines[1].Replace("\"label\":\"npm-publish\",", "", StringComparison.Ordinal);
        File.WriteAllText(registry.FullName, "\r\n" + lines[0] + "\r\n\n  \n" + unlabelled + "\r\n");
        File.WriteAllText(Path.Combine(dir.FullName, "paste.txt"), $"npm {Secrets.NpmToken}\nstripe {Secrets.StripeKey}\n");

        Assert.Equal(1, Scan(registry, [Path.Combine(dir.FullName, "paste.txt")], out var stdout, out _));

        var labels = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("label").GetString());
        Assert.Equal(["line-5", "stripe-live"], labels);
    }

    [Fact]
    public async Task Registry_given_as_a_pipe_is_read_once_and_keeps_its_labels()
    {
        var registry = Fingerprint(JsonSerializer.Serialize(new { label = "slack-bot", secret = Secrets.SlackBotToken }) + "\n",
            out var fingerprints, out _, out _);
        var fifo = new FileInfo(Path.Combine(dir.FullName, "registry.pipe"));
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo.FullName]))
        {
            await mkfifo.WaitForExitAsync();
        }
        var writer = Task.Run(() => File.WriteAllText(fifo.FullName, fingerprints));

        var exit = Scan(fifo, ["-"], out var stdout, out _, new MemoryStream(Encoding.UTF8.GetBytes("x " + Secrets.SlackBotToken)));

        await writer;
        Assert.Equal(1, exit);
        Assert.Equal("slack-bot", JsonDocument.Parse(stdout.Trim()).RootElement.GetProperty("label").GetString());
        Assert.True(registry.Exists);
    }

    [Fact]
    public void Folder_of_many_files_is_scanned_in_parallel_and_reported_in_path_order()
    {
        var registry = Fingerprint(JsonSerializer.Serialize(new { label = "npm", secret = Secrets.NpmToken }) + "\n",
            out _, out _, out _);
        var folder = Directory.CreateDirectory(Path.Combine(dir.FullName, "dump"));
        for (var i = 0; i < 40; i++)
        {
            // Uneven sizes, so files finish out of order.
            var filler = string.Concat(Enumerable.Repeat("lorem ipsum dolor sit amet\n", (40 - i) * 200));
            File.WriteAllText(Path.Combine(folder.FullName, $"paste-{i:D2}.txt"), filler + "npm " + Secrets.NpmToken + "\n");
        }

        Assert.Equal(1, Scan(registry, [folder.FullName], out var stdout, out _));

        var paths = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => Path.GetFileName(JsonDocument.Parse(l).RootElement.GetProperty("path").GetString()!)).ToList();
        Assert.Equal(Enumerable.Range(0, 40).Select(i => $"paste-{i:D2}.txt"), paths);
        var one = new StringWriter();
        Assert.Equal(1, ScanCommand.Run(registry, SaltBase64, [folder.FullName], () => Stream.Null, one, new StringWriter(),
            CancellationToken.None, jobs: 1));
        Assert.Equal(stdout, one.ToString()); // --jobs 1: the same output, in the same order
    }

    [Fact]
    public void Scan_with_a_missing_path_or_a_broken_registry_exits_2_without_echoing_content()
    {
        var registry = Fingerprint(Secrets.NpmToken + "\n", out _, out _, out _);
        Assert.Equal(2, Scan(registry, [Path.Combine(dir.FullName, "missing.txt")], out _, out var err));
        Assert.Contains("missing.txt", err, StringComparison.Ordinal);

        File.WriteAllText(registry.FullName, "{\"label\":\"x\",\"secret\":\"" + Secrets.NpmToken + "\"}\n");
        Assert.Equal(2, Scan(registry, ["-"], out _, out var broken));
        Assert.Contains("line 1", broken, StringComparison.Ordinal);
        Assert.DoesNotContain(Secrets.NpmToken, broken, StringComparison.Ordinal);
    }

    [Fact]
    public void Fingerprint_without_prefilter_still_scans_and_bad_input_names_the_line_only()
    {
        var output = new StringWriter();
        Assert.Equal(0, FingerprintCommand.Run(SaltBase64, new StringReader(Secrets.StripeKey), output,
            new StringWriter(), prefilter: false));
        Assert.DoesNotContain("prefilter", output.ToString(), StringComparison.Ordinal);

        var error = new StringWriter();
        Assert.Equal(2, FingerprintCommand.Run(SaltBase64,
            new StringReader("ok\n{\"label\":\"x\",\"secret\":\"" + Secrets.StripeKey), new StringWriter(), error));
        Assert.Contains("line 2", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Secrets.StripeKey, error.ToString(), StringComparison.Ordinal);
    }
}

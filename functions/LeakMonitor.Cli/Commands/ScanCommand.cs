using System.CommandLine;
using System.Diagnostics;
using System.Text.Encodings.Web;
using System.Text.Json;
using LeakMonitor.Core.Matching;

namespace LeakMonitor.Cli.Commands;

/// <summary>
/// <c>leakmon scan</c>: files, folders, archives and stdin against a registry file, through the same Scanner as the
/// queue matcher. Exit 0 clean, 1 findings, 2 error.
/// </summary>
internal static class ScanCommand
{
    public static Command Create()
    {
        var registry = new Option<FileInfo>("--registry")
        {
            Description = "Registry file written by 'leakmon fingerprint' (JSON lines).",
            Required = true,
        };
        var salt = SaltOption.Create();
        var paths = new Argument<string[]>("path")
        {
            Description = "Files, folders (recursive), archives (.zip, .gz, .tar.gz/.tgz; found by content) or '-' " +
                "for stdin.",
            Arity = ArgumentArity.OneOrMore,
        };
        var jobs = new Option<int>("--jobs", "-j")
        {
            Description = "Threads to scan with (files in parallel, a large text file in parts). Default: every core.",
            DefaultValueFactory = _ => Environment.ProcessorCount,
        };
        jobs.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError("--jobs must be at least 1.");
            }
        });
        var command = new Command("scan",
            "Scan files, folders, archives or stdin for registered secrets, through their encodings. Writes one JSON " +
            "line per finding (path, label, line, offset, decoders; 'archive.zip!member' inside archives) and never " +
            "the matched text. Exit code: 0 nothing found, 1 findings, 2 error.")
        {
            registry, salt, jobs, paths,
        };
        command.SetAction((parse, ct) => Task.FromResult(Run(parse.GetValue(registry)!, parse.GetValue(salt),
            parse.GetValue(paths)!, Console.OpenStandardInput, Console.Out, Console.Error, ct,
            showProgress: !Console.IsErrorRedirected, jobs: parse.GetValue(jobs))));
        return command;
    }

    internal static int Run(FileInfo registryFile, string? saltOption, string[] paths, Func<Stream> stdin,
        TextWriter output, TextWriter error, CancellationToken ct, bool showProgress = false, int jobs = 0)
    {
        jobs = jobs > 0 ? jobs : Environment.ProcessorCount;
        FingerprintIndex index;
        try
        {
            var salt = SaltOption.Resolve(saltOption, error);
            index = RegistryFile.Load(registryFile, salt);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException
            or Microsoft.Extensions.Options.OptionsValidationException)
        {
            error.WriteLine($"leakmon scan: {e.Message}");
            return 2;
        }
        var findings = 0;
        var failed = false;
        var progress = showProgress ? new Progress(error) : null;
        var found = new List<string>();
        foreach (var path in paths)
        {
            if (path != "-" && !File.Exists(path) && !Directory.Exists(path))
            {
                error.WriteLine($"leakmon scan: {path}: no such file or folder");
                failed = true;
                continue;
            }
            found.Add(path);
        }
        // Files are scanned on every core, and reported in order as each finishes; a large file alone is cut into
        // parts that are scanned in parallel instead.
        var scans = found.SelectMany(Expand).AsParallel().AsOrdered()
            .WithDegreeOfParallelism(jobs).WithMergeOptions(ParallelMergeOptions.NotBuffered)
            .WithCancellation(ct)
            .Select(file => ScanOne(file, index, stdin, jobs, ct));
        foreach (var (file, report, problem) in scans)
        {
            if (report is null)
            {
                error.WriteLine($"leakmon scan: {file}: {problem}");
                failed = true;
                continue;
            }
            foreach (var f in report.Findings)
            {
                findings++;
                output.WriteLine(JsonSerializer.Serialize(new
                {
                    path = f.Path.Length == 0 ? file : $"{file}!{f.Path}",
                    label = f.Fingerprint.Label,
                    line = f.Line,
                    offset = f.Offset,
                    decoders = f.DecoderChain,
                }, outputJson));
            }
            if (report.BudgetExhausted)
            {
                error.WriteLine($"leakmon scan: {file}: stopped expanding at the decompression budget " +
                    "(a bomb, or a very large archive); the rest was not scanned");
            }
            if (report.UnreadableParts > 0)
            {
                error.WriteLine($"leakmon scan: {file}: {report.UnreadableParts} corrupt or unsupported " +
                    "archive part(s) skipped");
            }
            progress?.FileDone(file == "-" ? 0 : new FileInfo(file).Length);
        }
        progress?.Finish();
        return failed ? 2 : findings > 0 ? 1 : 0;
    }

    private static (string File, ScanReport? Report, string? Problem) ScanOne(string file, FingerprintIndex index,
        Func<Stream> stdin, int jobs, CancellationToken ct)
    {
        try
        {
            if (file == "-")
            {
                using var input = stdin();
                return (file, Scanner.Scan(input, index, ScanOptions.Default, ct), null);
            }
            return (file, Scanner.ScanFile(file, index, ScanOptions.Default, jobs, ct), null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (file, null, e.Message);
        }
    }

    // Paths and decoder chains ('base64>gzip') read better unescaped; the output is JSON lines, not HTML.
    private static readonly JsonSerializerOptions outputJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static IEnumerable<string> Expand(string path)
        => path != "-" && Directory.Exists(path)
            ? Directory.EnumerateFiles(path, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true })
                .Order(StringComparer.Ordinal)
            : [path];

    /// <summary>Progress for long interactive scans: files and megabytes, on one stderr line, at most twice a second.</summary>
    private sealed class Progress(TextWriter error)
    {
        private readonly Stopwatch clock = Stopwatch.StartNew();
        private long lastShown;
        private int files;
        private long bytes;
        private bool shown;

        public void FileDone(long length)
        {
            files++;
            bytes += length;
            if (clock.ElapsedMilliseconds - lastShown >= 500 && clock.ElapsedMilliseconds > 1000)
            {
                lastShown = clock.ElapsedMilliseconds;
                shown = true;
                error.Write($"\rleakmon scan: {files} files, {bytes / (1024.0 * 1024.0):F1} MB");
            }
        }

        public void Finish()
        {
            if (shown)
            {
                error.WriteLine($"\rleakmon scan: {files} files, {bytes / (1024.0 * 1024.0):F1} MB, done");
            }
        }
    }
}

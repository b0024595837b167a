using System.Buffers;
using System.Buffers.Binary;
using System.CommandLine;
using System.Diagnostics;
using System.Text.Encodings.Web;
using System.Text.Json;
using LeakMonitor.Core.Fingerprints;
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
        var command = new Command("scan",
            "Scan files, folders, archives or stdin for registered secrets, through their encodings. Writes one JSON " +
            "line per finding (path, label, line, offset, decoders; 'archive.zip!member' inside archives) and never " +
            "the matched text. Exit code: 0 nothing found, 1 findings, 2 error.")
        {
            registry, salt, paths,
        };
        command.SetAction((parse, ct) => Task.FromResult(Run(parse.GetValue(registry)!, parse.GetValue(salt),
            parse.GetValue(paths)!, Console.OpenStandardInput, Console.Out, Console.Error, ct,
            showProgress: !Console.IsErrorRedirected)));
        return command;
    }

    internal static int Run(FileInfo registryFile, string? saltOption, string[] paths, Func<Stream> stdin,
        TextWriter output, TextWriter error, CancellationToken ct, bool showProgress = false)
    {
        FingerprintIndex index;
        try
        {
            var salt = SaltOption.Resolve(saltOption, error);
            index = LoadRegistry(registryFile, salt);
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
        foreach (var path in paths)
        {
            if (path != "-" && !File.Exists(path) && !Directory.Exists(path))
            {
                error.WriteLine($"leakmon scan: {path}: no such file or folder");
                failed = true;
                continue;
            }
            foreach (var file in Expand(path))
            {
                try
                {
                    ScanReport report;
                    if (file == "-")
                    {
                        using var input = stdin();
                        report = Scanner.Scan(input, index, ScanOptions.Default, ct);
                    }
                    else
                    {
                        report = Scanner.ScanFile(file, index, ScanOptions.Default, Environment.ProcessorCount, ct);
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
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    error.WriteLine($"leakmon scan: {file}: {e.Message}");
                    failed = true;
                }
            }
        }
        progress?.Finish();
        return failed ? 2 : findings > 0 ? 1 : 0;
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

    /// <summary>
    /// Reads a registry file line by line with a UTF-8 JSON reader, so a million fingerprints load in seconds without
    /// holding the file in memory.
    /// </summary>
    internal static FingerprintIndex LoadRegistry(FileInfo file, byte[] salt)
        => new(salt, pepper: null, ReadRegistry(file));

    private static IEnumerable<IndexEntry> ReadRegistry(FileInfo file)
    {
        using var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            var start = 0; // first unconsumed byte
            var filled = 0;
            var lineNumber = 0;
            var eof = false;
            while (true)
            {
                var newline = Array.IndexOf(buffer, (byte)'\n', start, filled - start);
                if (newline < 0 && !eof)
                {
                    if (start == 0 && filled == buffer.Length)
                    {
                        throw new InvalidDataException($"{file.Name} line {lineNumber + 1}: line too long");
                    }
                    // Move the partial line to the front once per buffer, not once per line.
                    Buffer.BlockCopy(buffer, start, buffer, 0, filled - start);
                    filled -= start;
                    start = 0;
                    var read = stream.Read(buffer, filled, buffer.Length - filled);
                    eof = read == 0;
                    filled += read;
                    continue;
                }
                var end = newline < 0 ? filled : newline;
                lineNumber++;
                var line = buffer.AsSpan(start, end - start);
                if (line.IndexOfAnyExcept(" \t\r"u8) >= 0)
                {
                    yield return ParseLine(line, file.Name, lineNumber);
                }
                if (newline < 0)
                {
                    yield break;
                }
                start = newline + 1;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static IndexEntry ParseLine(ReadOnlySpan<byte> line, string fileName, int lineNumber)
    {
        string? label = null;
        byte[]? hash = null;
        uint? tag = null;
        var length = 0;
        var prefilterProblem = false;
        try
        {
            var reader = new Utf8JsonReader(line);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw NotARegistryLine(fileName, lineNumber);
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.ValueSpan;
                reader.Read();
                var isString = reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped;
                if (name.SequenceEqual("label"u8) && reader.TokenType == JsonTokenType.String)
                {
                    label = reader.GetString();
                }
                else if (name.SequenceEqual("fingerprint"u8) && isString)
                {
                    hash = DecodeTagged(reader.ValueSpan, "fpv1:"u8, FingerprintScheme.HashBytes);
                }
                else if (name.SequenceEqual("prefilter"u8) && isString)
                {
                    var bytes = DecodeTagged(reader.ValueSpan, "pfv1:"u8, 4);
                    prefilterProblem = bytes is null;
                    tag = bytes is null ? null : BinaryPrimitives.ReadUInt32BigEndian(bytes);
                }
                else if (name.SequenceEqual("length"u8) && reader.TokenType == JsonTokenType.Number)
                {
                    length = reader.TryGetInt32(out var l) ? l : -1;
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            throw NotARegistryLine(fileName, lineNumber);
        }
        if (hash is null)
        {
            throw NotARegistryLine(fileName, lineNumber);
        }
        if (length < 1)
        {
            throw new InvalidDataException($"{fileName} line {lineNumber}: length must be positive");
        }
        if (prefilterProblem)
        {
            throw new InvalidDataException($"{fileName} line {lineNumber}: prefilter must be 'pfv1:' and 4 bytes in base64url");
        }
        label ??= $"line-{lineNumber}";
        return new IndexEntry(hash, length, new FingerprintRef(label, label), tag);
    }

    private static InvalidDataException NotARegistryLine(string fileName, int lineNumber)
        => new($"{fileName} line {lineNumber}: not a 'leakmon fingerprint' line");

    /// <summary><c>prefix:base64url</c> of exactly <paramref name="size"/> bytes, straight from the UTF-8 value.</summary>
    private static byte[]? DecodeTagged(ReadOnlySpan<byte> value, ReadOnlySpan<byte> prefix, int size)
    {
        if (!value.StartsWith(prefix))
        {
            return null;
        }
        var text = value[prefix.Length..];
        var bytes = new byte[size];
        var status = System.Buffers.Text.Base64Url.DecodeFromUtf8(text, bytes, out var consumed, out var written);
        return status == OperationStatus.Done && consumed == text.Length && written == size ? bytes : null;
    }
}

using System.CommandLine;
using System.Text.Json;
using LeakMonitor.Core.Fingerprints;
using LeakMonitor.Core.Matching;

namespace LeakMonitor.Cli.Commands;

/// <summary><c>leakmon scan</c>: files, folders and stdin against a registry file. Exit 0 clean, 1 findings, 2 error.</summary>
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
            Description = "Files, folders (recursive) or '-' for stdin.",
            Arity = ArgumentArity.OneOrMore,
        };
        var command = new Command("scan",
            "Scan files, folders or stdin for registered secrets. Writes one JSON line per finding " +
            "(path, label, line, offset, decoders) and never the matched text. Exit code: 0 nothing found, " +
            "1 findings, 2 error.")
        {
            registry, salt, paths,
        };
        command.SetAction((parse, ct) => Task.FromResult(Run(parse.GetValue(registry)!, parse.GetValue(salt),
            parse.GetValue(paths)!, Console.OpenStandardInput, Console.Out, Console.Error, ct)));
        return command;
    }

    internal static int Run(FileInfo registryFile, string? saltOption, string[] paths, Func<Stream> stdin,
        TextWriter output, TextWriter error, CancellationToken ct)
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
        foreach (var path in paths)
        {
            foreach (var file in Expand(path))
            {
                try
                {
                    using var stream = file == "-" ? stdin() : File.OpenRead(file);
                    foreach (var f in Scanner.Scan(stream, index, ct))
                    {
                        findings++;
                        output.WriteLine(JsonSerializer.Serialize(new
                        {
                            path = file,
                            label = f.Fingerprint.Label,
                            line = f.Line,
                            offset = f.Offset,
                            decoders = f.DecoderChain,
                        }));
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    error.WriteLine($"leakmon scan: {file}: {e.Message}");
                    failed = true;
                }
            }
        }
        return failed ? 2 : findings > 0 ? 1 : 0;
    }

    private static IEnumerable<string> Expand(string path)
        => path != "-" && Directory.Exists(path)
            ? Directory.EnumerateFiles(path, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true })
                .Order(StringComparer.Ordinal)
            : [path];

    internal static FingerprintIndex LoadRegistry(FileInfo file, byte[] salt)
    {
        var entries = new List<IndexEntry>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(file.FullName))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            RegistryLine? entry;
            try
            {
                entry = JsonSerializer.Deserialize<RegistryLine>(line);
            }
            catch (JsonException)
            {
                entry = null;
            }
            if (entry is null || !FingerprintScheme.TryParse(entry.Fingerprint, out var hash, out var problem))
            {
                throw new InvalidDataException($"{file.Name} line {lineNumber}: not a 'leakmon fingerprint' line");
            }
            if (entry.Length < 1)
            {
                throw new InvalidDataException($"{file.Name} line {lineNumber}: length must be positive");
            }
            entries.Add(new IndexEntry(hash, entry.Length, new FingerprintRef(entry.Label, entry.Label)));
        }
        return new FingerprintIndex(salt, pepper: null, entries);
    }
}

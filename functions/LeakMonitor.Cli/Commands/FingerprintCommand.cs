using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using LeakMonitor.Core.Fingerprints;

namespace LeakMonitor.Cli.Commands;

/// <summary>A line of a registry file: what <c>leakmon fingerprint</c> writes and <c>leakmon scan</c> reads.</summary>
internal sealed record RegistryLine(
    [property: JsonPropertyName("label")] string Label,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("fingerprint")] string Fingerprint,
    [property: JsonPropertyName("length")] int Length,
    [property: JsonPropertyName("prefilter"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    string? Prefilter = null,
    [property: JsonPropertyName("epoch"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Epoch = null);

/// <summary><c>leakmon fingerprint</c>: secrets in on stdin, fingerprints out, never the secret.</summary>
internal static class FingerprintCommand
{
    public static Command Create()
    {
        var salt = SaltOption.Create();
        var noPrefilter = new Option<bool>("--no-prefilter")
        {
            Description = "Omit the 32-bit prefilter tag. Slower scanning, but an attacker holding the salt and the " +
                "registry gains no shortcut for guessing low-entropy secrets such as human passwords " +
                "(see docs/fingerprints.md).",
        };
        var epoch = EpochOption.Create();
        var command = new Command("fingerprint",
            "Read secrets on stdin and write their fingerprints as JSON lines (label, version, fingerprint, length, " +
            "prefilter). Input lines are JSON {\"label\": \"...\", \"secret\": \"...\"} or plain secrets " +
            "(labelled secret-N). PEM blocks are fingerprinted by their base64 body. The secret itself is never written.")
        {
            salt, noPrefilter, epoch,
        };
        command.SetAction(parse => Run(parse.GetValue(salt), Console.In, Console.Out, Console.Error,
            prefilter: !parse.GetValue(noPrefilter), epochOption: parse.GetValue(epoch)));
        return command;
    }

    internal static int Run(string? saltOption, TextReader input, TextWriter output, TextWriter error,
        bool prefilter = true, int? epochOption = null)
    {
        byte[] salt;
        int? epoch;
        try
        {
            salt = SaltOption.Resolve(saltOption, error);
            epoch = EpochOption.Resolve(epochOption, Environment.GetEnvironmentVariable);
        }
        catch (Exception e) when (e is Microsoft.Extensions.Options.OptionsValidationException or FormatException)
        {
            error.WriteLine($"leakmon fingerprint: {e.Message}");
            return 2;
        }
        var tagger = prefilter ? new Prefilter(salt) : null;
        var lineNumber = 0;
        while (input.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            if (!TryReadSecret(line, lineNumber, out var label, out var secret, out var problem))
            {
                // Say which line, never what it held.
                error.WriteLine($"leakmon fingerprint: line {lineNumber}: {problem}");
                return 2;
            }
            var normalized = FingerprintScheme.Normalize(secret);
            if (normalized.Length == 0)
            {
                error.WriteLine($"leakmon fingerprint: line {lineNumber}: the secret is empty once normalised");
                return 2;
            }
            var hash = FingerprintScheme.Hash(salt, normalized);
            var tag = tagger is null ? null : Prefilter.Format(tagger.Compute(normalized));
            output.WriteLine(JsonSerializer.Serialize(new RegistryLine(
                label, FingerprintScheme.Version, FingerprintScheme.Format(hash), normalized.Length, tag, epoch)));
        }
        return 0;
    }

    private static bool TryReadSecret(string line, int lineNumber, out string label, out string secret,
        out string problem)
    {
        label = $"secret-{lineNumber}";
        secret = line;
        problem = "";
        if (line.TrimStart().StartsWith('{'))
        {
            try
            {
                using var json = JsonDocument.Parse(line);
                if (!json.RootElement.TryGetProperty("secret", out var s) || s.ValueKind != JsonValueKind.String
                    || string.IsNullOrWhiteSpace(s.GetString()))
                {
                    problem = "a JSON line needs a non-empty string \"secret\"";
                    return false;
                }
                secret = s.GetString()!;
                if (json.RootElement.TryGetProperty("label", out var l) && l.ValueKind == JsonValueKind.String)
                {
                    label = l.GetString()!;
                }
            }
            catch (JsonException)
            {
                problem = "starts with '{' but is not valid JSON";
                return false;
            }
        }
        return true;
    }
}

using System.CommandLine;
using LeakMonitor.Core.Fingerprints;

namespace LeakMonitor.Cli.Commands;

/// <summary><c>--salt BASE64</c>, else <c>LEAKMON_SALT</c>, else the public development salt (said on stderr).</summary>
internal static class SaltOption
{
    public const string EnvironmentVariable = "LEAKMON_SALT";

    public static Option<string?> Create() => new("--salt")
    {
        Description = $"Deployment salt, base64 (ask your LeakMonitor operator). Default: ${EnvironmentVariable}, " +
            "else the public development salt, which protects nothing.",
    };

    public static byte[] Resolve(string? option, TextWriter stderr)
    {
        var value = option ?? Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (FingerprintKeys.DecodeKey(value, option is null ? EnvironmentVariable : "--salt") is { } salt)
        {
            return salt;
        }
        stderr.WriteLine($"leakmon: no --salt or {EnvironmentVariable}: using the public development salt. " +
            "Fingerprints made with it only match a development deployment.");
        return FingerprintScheme.DevelopmentSalt;
    }
}

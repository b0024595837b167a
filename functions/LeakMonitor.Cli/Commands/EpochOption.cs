using System.CommandLine;
using System.Globalization;

namespace LeakMonitor.Cli.Commands;

/// <summary>
/// <c>--epoch N</c>, else <c>LEAKMON_SALT_EPOCH</c>: the generation of the deployment salt (Fingerprints:SaltEpoch).
/// Written with fingerprints so the service can refuse ones made with a salt it has rotated away from.
/// </summary>
internal static class EpochOption
{
    public const string EnvironmentVariable = "LEAKMON_SALT_EPOCH";

    public static Option<int?> Create() => new("--epoch")
    {
        Description = $"Salt epoch (ask your LeakMonitor operator; it changes when the salt is rotated). Default: " +
            $"${EnvironmentVariable}, else none (the service takes none as 1).",
    };

    /// <summary>The epoch, null when neither is given; throws <see cref="FormatException"/> for a bad variable.</summary>
    public static int? Resolve(int? option, Func<string, string?> environment)
    {
        if (option is not null)
        {
            return option >= 1 ? option : throw new FormatException("--epoch must be 1 or more");
        }
        var value = environment(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var epoch) && epoch >= 1
            ? epoch
            : throw new FormatException($"{EnvironmentVariable} must be a whole number, 1 or more");
    }
}

using System.Diagnostics;

namespace LeakMonitor.Infra.Tests;

/// <summary>Runs the Bicep CLI that restore put under the NuGet global packages folder.</summary>
internal static class BicepCli
{
    // A guard against a hung process, not a performance expectation: build and lint take seconds.
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(5);

    public sealed record Result(int ExitCode, string StandardOutput, string StandardError)
    {
        /// <summary>Diagnostic lines (Bicep writes them to stderr as "file(line,col) : Warning|Error code: ...").</summary>
        public IReadOnlyList<string> Diagnostics => StandardError
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => line.Contains("Warning", StringComparison.OrdinalIgnoreCase)
                || line.Contains("Error", StringComparison.OrdinalIgnoreCase))
            .ToList();
    }

    public static Result Run(params string[] arguments)
    {
        if (!OperatingSystem.IsLinux())
        {
            // The test project downloads the linux-x64 CLI, the one CI and the dev machines run.
            throw new PlatformNotSupportedException("These tests run the linux-x64 Bicep CLI from NuGet.");
        }
        var executable = Repository.BicepCli;
        if (!File.Exists(executable))
        {
            throw new FileNotFoundException(
                "The Bicep CLI is missing; `dotnet restore` downloads Azure.Bicep.CommandLine.linux-x64.", executable);
        }
        // NuGet extracts package files without the execute bit.
        File.SetUnixFileMode(executable, File.GetUnixFileMode(executable)
            | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);

        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Repository.Root,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        // Offline, deterministic runs: no telemetry, no first-run experience of the bundled .NET host.
        start.Environment["BICEP_TELEMETRY_ENABLED"] = "false";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";

        using var process = Process.Start(start)
            ?? throw new InvalidOperationException($"Could not start {executable}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(HangGuard))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} did not finish.");
        }
        return new Result(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }
}

using System.Reflection;

namespace LeakMonitor.Infra.Tests;

/// <summary>Paths the build baked into this assembly: the repository root and the Bicep CLI restored from NuGet.</summary>
internal static class Repository
{
    public static string Root { get; } = Metadata("RepositoryRoot");

    public static string MainBicep { get; } = Path.Combine(Root, "infra", "main.bicep");

    public static string ParametersFile { get; } = Path.Combine(Root, "infra", "main.parameters.json");

    public static string LocalSettingsSample { get; } = Path.Combine(Root, "local.settings.sample.json");

    public static string AzureYaml { get; } = Path.Combine(Root, "azure.yaml");

    /// <summary>tools/bicep inside the Azure.Bicep.CommandLine.linux-x64 package that restore downloaded.</summary>
    public static string BicepCli { get; } = Path.Combine(Metadata("NuGetPackageRoot"),
        "azure.bicep.commandline.linux-x64", Metadata("BicepCliVersion"), "tools", "bicep");

    private static string Metadata(string key)
        => typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
               .SingleOrDefault(a => a.Key == key)?.Value is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"The test assembly has no '{key}' metadata; build it with dotnet build.");
}

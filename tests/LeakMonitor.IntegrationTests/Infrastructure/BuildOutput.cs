namespace LeakMonitor.IntegrationTests.Infrastructure;

/// <summary>Files another project built beside this one (same configuration and target framework).</summary>
public static class BuildOutput
{
    public static string Of(string project, string file)
    {
        // tests/LeakMonitor.IntegrationTests/bin/<Configuration>/<tfm> → functions/<project>/bin/<Configuration>/<tfm>
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var repo = output.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
        var path = Path.Combine(repo, "functions", project, "bin", output.Parent!.Name, output.Name, file);
        Assert.True(File.Exists(path), $"{path} not found: build {project} first (dotnet build Monitor.sln)");
        return path;
    }

    /// <summary>The built <c>leakmon</c> CLI, run as <c>dotnet &lt;this&gt; ...</c>.</summary>
    public static string Leakmon => Of("LeakMonitor.Cli", "leakmon.dll");
}

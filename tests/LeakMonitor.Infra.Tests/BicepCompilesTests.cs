namespace LeakMonitor.Infra.Tests;

[Collection(CompiledTemplateCollection.Name)]
public sealed class BicepCompilesTests(CompiledTemplate template)
{
    [Fact]
    public void Main_bicep_builds_to_an_arm_template_with_no_warnings_or_errors()
    {
        Assert.True(template.Build.ExitCode == 0, $"bicep build failed:\n{template.Build.StandardError}");
        Assert.True(template.Build.Diagnostics.Count == 0,
            $"bicep build reported diagnostics:\n{string.Join('\n', template.Build.Diagnostics)}");
        Assert.NotEmpty(template.Resources("Microsoft.Web/sites"));
    }

    [Fact]
    public void Main_bicep_lints_with_no_warnings_or_errors()
    {
        Assert.True(template.Lint.ExitCode == 0, $"bicep lint failed:\n{template.Lint.StandardError}");
        Assert.True(template.Lint.Diagnostics.Count == 0,
            $"bicep lint reported diagnostics:\n{string.Join('\n', template.Lint.Diagnostics)}");
    }
}

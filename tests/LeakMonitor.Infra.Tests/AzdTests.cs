using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace LeakMonitor.Infra.Tests;

/// <summary>What `azd up` reads besides the template: azure.yaml and infra/main.parameters.json.</summary>
[Collection(CompiledTemplateCollection.Name)]
public sealed partial class AzdTests(CompiledTemplate template)
{
    [Fact]
    public void Azure_yaml_deploys_the_functions_project_as_service_api()
    {
        var yaml = File.ReadAllText(Repository.AzureYaml);
        Assert.Matches(@"(?m)^services:\s*\n\s+api:", yaml);
        var project = ProjectLine().Match(yaml);
        Assert.True(project.Success, "azure.yaml: services.api.project is missing");
        Assert.True(Directory.Exists(Path.Combine(Repository.Root, project.Groups[1].Value.Trim())),
            $"azure.yaml points at a missing project: {project.Groups[1].Value}");
        Assert.Matches(@"(?m)^\s+host:\s*function\s*$", yaml);
        Assert.Matches(@"(?m)^\s+language:\s*dotnet\s*$", yaml);
        // azd finds the app to deploy to by this tag.
        Assert.Contains("azd-service-name", template.Resource("Microsoft.Web/sites").Resource["tags"]!.ToJsonString(),
            StringComparison.Ordinal);
    }

    [Fact]
    public void Parameters_file_names_only_parameters_main_bicep_declares()
    {
        var declared = template.Json["parameters"]!.AsObject().Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        var given = JsonNode.Parse(File.ReadAllText(Repository.ParametersFile))!["parameters"]!.AsObject();
        Assert.All(given, p => Assert.Contains(p.Key, declared));
        Assert.Equal("${AZURE_ENV_NAME}", given["environmentName"]!["value"]!.GetValue<string>());
        Assert.Equal("${AZURE_LOCATION}", given["location"]!["value"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("fingerprintSalt")]
    [InlineData("fingerprintPepper")]
    [InlineData("webhookSigningKey")]
    [InlineData("apiBootstrapKey")]
    public void Secrets_are_secure_parameters_that_azd_generates_once_and_never_defaults(string name)
    {
        var parameter = template.Json["parameters"]![name]!;
        Assert.Equal("securestring", parameter["type"]!.GetValue<string>());
        // A default would be re-evaluated on every deployment (newGuid) or be a shared constant: either is wrong.
        Assert.Null(parameter["defaultValue"]);
        Assert.Equal("generate", parameter["metadata"]?["azd"]?["type"]?.GetValue<string>());
        Assert.True(parameter["minLength"]!.GetValue<int>() >= 24, "shorter than the code's 16-byte base64 minimum");
        // Named in the parameters file, azd would substitute an (empty) environment variable instead of generating.
        var given = JsonNode.Parse(File.ReadAllText(Repository.ParametersFile))!["parameters"]!.AsObject();
        Assert.False(given.ContainsKey(name), $"{name} must not be in main.parameters.json");
    }

    [Fact]
    public void Outputs_give_azd_the_app_name_and_the_api_url()
    {
        var outputs = template.Json["outputs"]!.AsObject();
        foreach (var name in new[] { "AZURE_FUNCTION_APP_NAME", "AZURE_RESOURCE_GROUP", "AZURE_KEY_VAULT_NAME", "API_URL" })
        {
            Assert.Contains(name, outputs.Select(o => o.Key));
        }
        // Functions serves HTTP triggers under /api (host.json keeps the default route prefix).
        Assert.StartsWith("[format('https://{0}/api',", outputs["API_URL"]!["value"]!.GetValue<string>(),
            StringComparison.Ordinal);
    }

    [GeneratedRegex(@"(?m)^\s+project:\s*(.+)$")]
    private static partial Regex ProjectLine();
}

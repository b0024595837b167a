using System.Text.Json.Nodes;

namespace LeakMonitor.Infra.Tests;

/// <summary>
/// infra/main.bicep built and linted once for all tests (a collection fixture): the ARM JSON is what Azure receives,
/// so assertions about settings, roles and resource properties are made on it rather than on Bicep text.
/// </summary>
public sealed class CompiledTemplate
{
    private readonly JsonObject? json;

    public CompiledTemplate()
    {
        Build = BicepCli.Run("build", Repository.MainBicep, "--stdout");
        Lint = BicepCli.Run("lint", Repository.MainBicep);
        json = Build.ExitCode == 0 ? JsonNode.Parse(Build.StandardOutput)!.AsObject() : null;
    }

    internal BicepCli.Result Build { get; }

    internal BicepCli.Result Lint { get; }

    /// <summary>The compiled ARM template (main.bicep with its modules inlined as nested deployments).</summary>
    public JsonObject Json => json ?? throw new InvalidOperationException(
        $"bicep build infra/main.bicep failed (exit {Build.ExitCode}):\n{Build.StandardError}");

    /// <summary>
    /// Every resource of an ARM type, wherever it sits: top level or inside a module's nested template, whether the
    /// template lists resources as an array or (languageVersion 2.0) as an object keyed by symbolic name.
    /// </summary>
    public IReadOnlyList<Declared> Resources(string type)
    {
        var found = new List<Declared>();
        Collect(Json, type, found);
        return found;
    }

    /// <summary>The single resource of a type; fails when there is none or several.</summary>
    public Declared Resource(string type) => Assert.Single(Resources(type));

    /// <summary>App settings of the function app, as compiled (values are literals or ARM expressions).</summary>
    public IReadOnlyDictionary<string, string> AppSettings()
    {
        var config = Assert.Single(Resources("Microsoft.Web/sites/config"),
            c => c.Resource["name"]!.GetValue<string>().Contains("appsettings", StringComparison.Ordinal));
        return config.Resource["properties"]!.AsObject()
            .ToDictionary(p => p.Key, p => p.Value!.GetValue<string>(), StringComparer.Ordinal);
    }

    private static void Collect(JsonObject template, string type, List<Declared> found)
    {
        var resources = template["resources"] switch
        {
            JsonArray array => array.OfType<JsonObject>(),
            JsonObject byName => byName.Select(p => p.Value).OfType<JsonObject>(),
            _ => [],
        };
        foreach (var resource in resources)
        {
            if (string.Equals(resource["type"]?.GetValue<string>(), type, StringComparison.OrdinalIgnoreCase))
            {
                found.Add(new Declared(resource, template));
            }
            if (resource["properties"]?["template"] is JsonObject nested)
            {
                Collect(nested, type, found);
            }
        }
    }

    /// <summary>A resource and the (possibly nested) template that declares it, for resolving its variables.</summary>
    public sealed record Declared(JsonObject Resource, JsonObject Template)
    {
        public JsonNode? Properties => Resource["properties"];

        public JsonNode? Variable(string name) => Template["variables"]?[name];
    }
}

[CollectionDefinition(Name)]
public sealed class CompiledTemplateCollection : ICollectionFixture<CompiledTemplate>
{
    public const string Name = "Compiled infra/main.bicep";
}

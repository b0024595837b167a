using System.Text.Json.Nodes;
using LeakMonitor.Core.Storage;

namespace LeakMonitor.Infra.Tests;

/// <summary>Configuration cannot drift: what the code reads is what Azure and local.settings.sample.json provide.</summary>
[Collection(CompiledTemplateCollection.Name)]
public sealed class SettingsDriftTests(CompiledTemplate template)
{
    [Fact]
    public void Options_classes_are_found_by_reflection()
    {
        // Guards the drift tests below against passing vacuously if discovery ever breaks.
        Assert.True(CodeSettings.OptionsClasses.Count >= 7, string.Join(", ", CodeSettings.OptionsClasses));
        Assert.Contains("Queues__Documents", CodeSettings.OptionDefaults.Keys);
        Assert.Contains("Crawl__RequestTimeout", CodeSettings.OptionDefaults.Keys);
    }

    [Fact]
    public void Every_setting_the_code_reads_is_an_app_setting_of_the_function_app()
    {
        var settings = template.AppSettings();
        var missing = CodeSettings.OptionDefaults.Keys.Concat(CodeSettings.IdentityBasedStorage)
            .Where(name => !settings.ContainsKey(name))
            .ToList();
        Assert.True(missing.Count == 0,
            $"Add these to infra/modules/function-app.bicep (app settings): {string.Join(", ", missing)}");
    }

    [Fact]
    public void Every_setting_the_code_reads_is_in_local_settings_sample_json()
    {
        var values = JsonNode.Parse(File.ReadAllText(Repository.LocalSettingsSample))!["Values"]!.AsObject();
        var missing = CodeSettings.OptionDefaults.Keys.Append(StorageAccount.ConnectionName)
            .Where(name => !values.ContainsKey(name))
            .ToList();
        Assert.True(missing.Count == 0, $"Add these to local.settings.sample.json (Values): {string.Join(", ", missing)}");
    }

    [Fact]
    public void Plain_app_settings_carry_the_code_defaults()
    {
        var settings = template.AppSettings();
        var differing = CodeSettings.OptionDefaults
            .Where(option => !CodeSettings.Secrets.Contains(option.Key))
            .Where(option => settings.TryGetValue(option.Key, out var value)
                && !IsArmExpression(value) // a template parameter (e.g. Crawl__Contact) is the operator's to set
                && value != option.Value)
            .Select(option => $"{option.Key}: code default '{option.Value}', Bicep '{settings[option.Key]}'")
            .ToList();
        Assert.True(differing.Count == 0, string.Join("\n", differing));
    }

    [Fact]
    public void Secrets_are_key_vault_references_resolved_with_the_managed_identity()
    {
        var settings = template.AppSettings();
        foreach (var secret in CodeSettings.Secrets)
        {
            Assert.Contains(secret, CodeSettings.OptionDefaults.Keys);
            Assert.StartsWith("[format('@Microsoft.KeyVault(VaultName={0};SecretName={1})'", settings[secret],
                StringComparison.Ordinal);
        }
        var site = template.Resource("Microsoft.Web/sites");
        Assert.Contains("userAssignedIdentities", site.Properties!["keyVaultReferenceIdentity"]!.GetValue<string>(),
            StringComparison.Ordinal);
    }

    [Fact]
    public void Storage_connection_is_identity_based_and_no_key_appears_anywhere()
    {
        var settings = template.AppSettings();
        Assert.False(settings.ContainsKey(StorageAccount.ConnectionName), "AzureWebJobsStorage must not be a connection string");
        Assert.Equal("managedidentity", settings[$"{StorageAccount.ConnectionName}__credential"]);
        Assert.Contains("userAssignedIdentities", settings[$"{StorageAccount.ConnectionName}__clientId"],
            StringComparison.Ordinal);

        var json = template.Json.ToJsonString();
        foreach (var keyed in new[] { "listKeys", "listAccountSas", "listServiceSas", "AccountKey=", "SharedAccessSignature" })
        {
            Assert.DoesNotContain(keyed, json, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void Flex_consumption_gets_its_runtime_from_function_app_config_not_app_settings()
    {
        var site = template.Resource("Microsoft.Web/sites");
        var runtime = site.Properties!["functionAppConfig"]!["runtime"]!;
        Assert.Equal("dotnet-isolated", runtime["name"]!.GetValue<string>());
        Assert.Equal("10.0", runtime["version"]!.GetValue<string>());
        var settings = template.AppSettings();
        Assert.DoesNotContain("FUNCTIONS_WORKER_RUNTIME", settings.Keys);
        Assert.DoesNotContain("FUNCTIONS_EXTENSION_VERSION", settings.Keys);
    }

    private static bool IsArmExpression(string value) => value.StartsWith('[') && !value.StartsWith("[[", StringComparison.Ordinal);
}

using System.Text.RegularExpressions;
using LeakMonitor.Core;
using LeakMonitor.Core.Storage;
using Microsoft.Extensions.Options;

namespace LeakMonitor.Infra.Tests;

[Collection(CompiledTemplateCollection.Name)]
public sealed partial class LeastPrivilegeTests(CompiledTemplate template)
{
    private const string StorageAccounts = "Microsoft.Storage/storageAccounts";

    [Fact]
    public void App_identity_gets_exactly_five_data_roles_each_scoped_to_its_own_resource()
    {
        var granted = template.Resources("Microsoft.Authorization/roleAssignments")
            .Select(assignment =>
            {
                // A role assignment without a scope would land on the resource group (or subscription).
                var scope = assignment.Resource["scope"]?.GetValue<string>();
                Assert.False(string.IsNullOrEmpty(scope), $"unscoped role assignment: {assignment.Resource}");
                var scopeType = ScopeType().Match(scope!) is { Success: true } m ? m.Groups[1].Value : scope!;
                return (Role: RoleGuid(assignment), ScopeType: scopeType);
            })
            .OrderBy(g => g.Role, StringComparer.Ordinal)
            .ToList();

        (string, string)[] expected =
        [
            ("0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", StorageAccounts), // Storage Table Data Contributor
            ("3913510d-42f4-4e42-8a64-420c390055eb", "Microsoft.Insights/components"), // Monitoring Metrics Publisher
            ("4633458b-17de-408a-b874-0445c86b69e6", "Microsoft.KeyVault/vaults"), // Key Vault Secrets User
            ("974c5e8b-45b9-4653-ba55-5f855dd0fb88", StorageAccounts), // Storage Queue Data Contributor
            ("b7e6dc6d-f1e8-4753-8033-0f276bb0955b", StorageAccounts), // Storage Blob Data Owner
        ];
        Assert.Equal(expected, granted);
    }

    [Fact]
    public void Storage_accepts_only_entra_id_over_https_and_tls_1_2()
    {
        var storage = template.Resource(StorageAccounts).Properties!;
        Assert.False(storage["allowSharedKeyAccess"]!.GetValue<bool>());
        Assert.False(storage["allowBlobPublicAccess"]!.GetValue<bool>());
        Assert.True(storage["supportsHttpsTrafficOnly"]!.GetValue<bool>());
        Assert.Equal("TLS1_2", storage["minimumTlsVersion"]!.GetValue<string>());
    }

    [Fact]
    public void Storage_declares_the_queues_tables_and_containers_the_app_uses()
    {
        var queues = new QueueOptions();
        var names = new StorageNames(Options.Create(new StorageOptions()));
        var main = template.Json["variables"]!;

        Assert.Equal(new[] { queues.CrawlJobs, queues.Documents, queues.Hits }.Order(),
            main["queueNames"]!.AsArray().Select(n => n!.GetValue<string>()).Order());
        Assert.Equal(new[] { names.FingerprintsTable, names.SourcesTable, names.IncidentsTable, names.CrawlStateTable }.Order(),
            main["tableNames"]!.AsArray().Select(n => n!.GetValue<string>()).Order());
        Assert.Contains(names.DocumentsContainer, main["containerNames"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("deploymentContainerName", main["containerNames"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Key_vault_authorizes_with_rbac_and_cannot_be_purged()
    {
        var vault = template.Resource("Microsoft.KeyVault/vaults").Properties!;
        Assert.True(vault["enableRbacAuthorization"]!.GetValue<bool>());
        Assert.True(vault["enableSoftDelete"]!.GetValue<bool>());
        Assert.True(vault["enablePurgeProtection"]!.GetValue<bool>());
        Assert.Null(vault["accessPolicies"]);
        Assert.Equal(4, template.Resources("Microsoft.KeyVault/vaults/secrets").Count);
    }

    [Fact]
    public void Application_insights_accepts_only_entra_authenticated_telemetry_from_the_app_identity()
    {
        var insights = template.Resource("Microsoft.Insights/components").Properties!;
        Assert.True(insights["DisableLocalAuth"]!.GetValue<bool>());
        Assert.NotNull(insights["WorkspaceResourceId"]);
        var settings = template.AppSettings();
        Assert.Contains("APPLICATIONINSIGHTS_CONNECTION_STRING", settings.Keys);
        Assert.StartsWith("[format('Authorization=AAD;ClientId={0}'", settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"],
            StringComparison.Ordinal);
    }

    [Fact]
    public void Network_isolation_is_optional_and_off_by_default()
    {
        var parameter = template.Json["parameters"]!["enableNetworkIsolation"]!;
        Assert.Equal("bool", parameter["type"]!.GetValue<string>());
        Assert.False(parameter["defaultValue"]!.GetValue<bool>());
        var groups = template.Resources("Microsoft.Network/privateEndpoints")
            .Select(e => e.Properties!.ToJsonString()).ToList();
        Assert.Single(groups); // one module, instantiated once per sub-resource
        var endpoints = template.Json["variables"]!["privateEndpoints"]!.AsArray()
            .Select(e => e!["groupId"]!.GetValue<string>()).Order();
        Assert.Equal(["blob", "queue", "table", "vault"], endpoints);
    }

    private static string RoleGuid(CompiledTemplate.Declared assignment)
    {
        var id = assignment.Properties!["roleDefinitionId"]!.GetValue<string>();
        // Compiled form: [subscriptionResourceId('Microsoft.Authorization/roleDefinitions', variables('roles').name)]
        var variable = RoleVariable().Match(id);
        Assert.True(variable.Success, $"unexpected roleDefinitionId expression: {id}");
        return assignment.Variable(variable.Groups[1].Value)![variable.Groups[2].Value]!.GetValue<string>();
    }

    [GeneratedRegex(@"variables\('(\w+)'\)\.(\w+)")]
    private static partial Regex RoleVariable();

    [GeneratedRegex(@"resourceId\('([^']+)'")]
    private static partial Regex ScopeType();
}

using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;

namespace LeakMonitor.Core.Storage;

/// <summary>
/// Service clients for the storage account named by the <c>AzureWebJobsStorage</c> connection, the one the triggers
/// use: either a connection string (Azurite locally) or identity-based settings
/// (<c>AzureWebJobsStorage__queueServiceUri</c>, <c>__tableServiceUri</c>, <c>__blobServiceUri</c>,
/// <c>__credential=managedidentity</c>, <c>__clientId</c>).
/// </summary>
public sealed class StorageAccount
{
    public const string ConnectionName = "AzureWebJobsStorage";
    public const string DevelopmentStorage = "UseDevelopmentStorage=true";

    public StorageAccount(QueueServiceClient queues, TableServiceClient tables, BlobServiceClient blobs)
    {
        Queues = queues;
        Tables = tables;
        Blobs = blobs;
    }

    public QueueServiceClient Queues { get; }
    public TableServiceClient Tables { get; }
    public BlobServiceClient Blobs { get; }

    public static StorageAccount FromConfiguration(IConfiguration configuration)
    {
        // Queue messages are Base64 on both hosts by default; producers encode the same way.
        var queueOptions = Resilient(new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var tableOptions = Resilient(new TableClientOptions());
        var blobOptions = Resilient(new BlobClientOptions());
        var connectionString = configuration[ConnectionName];
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            return new StorageAccount(
                new QueueServiceClient(connectionString, queueOptions),
                new TableServiceClient(connectionString, tableOptions),
                new BlobServiceClient(connectionString, blobOptions));
        }
        var section = configuration.GetSection(ConnectionName);
        var credential = CredentialFor(section);
        var accountName = section["accountName"];
        Uri ServiceUri(string key, string service) =>
            section[key] is { Length: > 0 } uri ? new Uri(uri)
            : accountName is { Length: > 0 } ? new Uri($"https://{accountName}.{service}.core.windows.net")
            : throw new InvalidOperationException(
                $"Storage is not configured: set {ConnectionName} to a connection string, or " +
                $"{ConnectionName}__{key} (or {ConnectionName}__accountName) for an identity-based connection.");
        return new StorageAccount(
            new QueueServiceClient(ServiceUri("queueServiceUri", "queue"), credential, queueOptions),
            new TableServiceClient(ServiceUri("tableServiceUri", "table"), credential, tableOptions),
            new BlobServiceClient(ServiceUri("blobServiceUri", "blob"), credential, blobOptions));
    }

    /// <summary>
    /// Rides out a storage blip of up to ~40 s inside the handler (8 exponential retries, 0.5 s to 8 s), rather than
    /// failing the message: a failed message whose release also fails stays invisible for the trigger's 10-minute
    /// lease before it is retried.
    /// </summary>
    private static T Resilient<T>(T options) where T : ClientOptions
    {
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = 8;
        options.Retry.Delay = TimeSpan.FromSeconds(0.5);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(8);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(30);
        return options;
    }

    /// <summary>True when the connection is the local emulator's default (the local host may start Azurite).</summary>
    public static bool IsDevelopmentStorage(IConfiguration configuration)
        => string.Equals(configuration[ConnectionName]?.Trim(), DevelopmentStorage, StringComparison.OrdinalIgnoreCase);

    private static TokenCredential CredentialFor(IConfigurationSection section)
        => string.Equals(section["credential"], "managedidentity", StringComparison.OrdinalIgnoreCase)
            ? new ManagedIdentityCredential(section["clientId"] is { Length: > 0 } id
                ? ManagedIdentityId.FromUserAssignedClientId(id) : ManagedIdentityId.SystemAssigned)
            : new DefaultAzureCredential();
}

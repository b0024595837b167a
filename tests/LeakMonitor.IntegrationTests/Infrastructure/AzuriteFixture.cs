using LeakMonitor.LocalHost;

namespace LeakMonitor.IntegrationTests.Infrastructure;

/// <summary>One Azurite for all integration tests: in memory, on free ports, installed by npm ci if needed.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private Azurite? azurite;

    public string ConnectionString => azurite?.ConnectionString ?? throw new InvalidOperationException("Azurite not started");

    public async Task InitializeAsync()
        => azurite = await Azurite.StartAsync(location: null, ports: null, Console.Out, CancellationToken.None);

    public async Task DisposeAsync()
    {
        if (azurite is not null)
        {
            await azurite.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}

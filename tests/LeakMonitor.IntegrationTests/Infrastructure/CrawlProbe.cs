using System.Net.Http.Json;
using System.Text.Json;
using Azure.Storage.Blobs;
using LeakMonitor.Core.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace LeakMonitor.IntegrationTests.Infrastructure;

/// <summary>Registers sources, triggers and awaits crawls, and reads what a crawl stored.</summary>
public static class CrawlProbe
{
    public const string Team = "blue-team";

    /// <summary>Registers a source through the API and returns its id.</summary>
    public static async Task<string> AddSourceAsync(TestHost host, object source)
    {
        var response = await host.Api.PostAsJsonAsync("sources", source);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST /sources answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
    }

    public static async Task<JsonElement> SourceAsync(TestHost host, string id)
        => (await host.Api.GetFromJsonAsync<JsonElement>("sources")).EnumerateArray()
            .Single(s => s.GetProperty("id").GetString() == id);

    /// <summary>Waits until a crawl of the source finished after <paramref name="after"/> (success or failure).</summary>
    public static async Task<JsonElement> WaitForCrawlAsync(TestHost host, string id, DateTimeOffset? after = null,
        TimeSpan? timeout = null)
    {
        var since = after ?? DateTimeOffset.MinValue;
        var source = await Eventually.UntilAsync(() => SourceAsync(host, id), s => LastCrawl(s) > since,
            timeout ?? TimeSpan.FromSeconds(90), $"a crawl of source {id}");
        return source;
    }

    public static DateTimeOffset LastCrawl(JsonElement source)
    {
        var health = source.GetProperty("health");
        DateTimeOffset At(string name) => health.GetProperty(name).ValueKind == JsonValueKind.Null
            ? DateTimeOffset.MinValue : health.GetProperty(name).GetDateTimeOffset();
        var success = At("lastSuccessAt");
        var failure = At("lastFailureAt");
        return success > failure ? success : failure;
    }

    /// <summary>Enqueues a crawl job now, as the scheduler would (for a second crawl without waiting an interval).</summary>
    public static async Task<DateTimeOffset> CrawlAgainAsync(TestHost host, string id)
    {
        var previous = LastCrawl(await SourceAsync(host, id));
        await host.Services.GetRequiredService<MessageQueue>().SendAsync(host.Queue("CrawlJobs"),
            new CrawlJob(Team, id, DateTimeOffset.UtcNow), CancellationToken.None);
        return previous;
    }

    /// <summary>Every stored document: its source URL (metadata) and content.</summary>
    public static async Task<List<(string Url, byte[] Content)>> DocumentsAsync(TestHost host)
    {
        var container = host.DocumentsContainer;
        var documents = new List<(string, byte[])>();
        if (!(await container.ExistsAsync()).Value)
        {
            return documents;
        }
        await foreach (var blob in container.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Traits = Azure.Storage.Blobs.Models.BlobTraits.Metadata }))
        {
            var content = (await container.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToArray();
            documents.Add((Uri.UnescapeDataString(blob.Metadata["source"]), content));
        }
        return documents;
    }

    public static string Text(this JsonElement source, string group, string property)
        => source.GetProperty(group).GetProperty(property).ToString();
}

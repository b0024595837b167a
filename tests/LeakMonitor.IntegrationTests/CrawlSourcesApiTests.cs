using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LeakMonitor.IntegrationTests.Infrastructure;

namespace LeakMonitor.IntegrationTests;

/// <summary>Registering sources: one, many (the shipped defaults), and configuration errors named by field.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class CrawlSourcesApiTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task The_shipped_default_sources_register_in_one_post_with_their_config()
    {
        await using var host = await TestHost.StartAsync(azurite, s => s["Crawl:Schedule"] = "0 0 0 1 1 *"); // no crawl here
        var file = Path.Combine(RepositoryRoot(), "functions", "LeakMonitor.Core", "Crawling", "default-sources.json");

        var response = await host.Api.PostAsync("sources",
            new StringContent(await File.ReadAllTextAsync(file), System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var sources = await host.Api.GetFromJsonAsync<JsonElement>("sources");
        var gists = sources.EnumerateArray().Single(s => s.GetProperty("name").GetString() == "GitHub public gists");
        Assert.Equal("json", gists.GetProperty("kind").GetString());
        Assert.Equal("files.*.raw_url", gists.GetProperty("config").GetProperty("json").GetProperty("url").GetString());
        Assert.False(sources.EnumerateArray().Single(s => s.GetProperty("name").GetString() == "Pastebin scraping API")
            .GetProperty("enabled").GetBoolean());
    }

    [Fact]
    public async Task Bad_source_configs_are_refused_with_the_field_and_nothing_is_added()
    {
        await using var host = await TestHost.StartAsync(azurite, s => s["Crawl:Schedule"] = "0 0 0 1 1 *");
        var response = await host.Api.PostAsJsonAsync("sources", new object[]
        {
            new { name = "ok", kind = "feed", url = "https://pastes.example.com/feed.xml" },
            new { name = "no selector", kind = "html", url = "https://pastes.example.com/archive", config = new { html = new { links = "a[" } } },
            new { name = "bad proxy", kind = "feed", url = "https://pastes.example.com/f", config = new { proxy = "socks5://10.0.0.1:1080" } },
            new { name = "typo", kind = "dump", url = "https://dumps.example.com/x.gz", config = new { dump = new { format = "rar" } } },
            new { name = "private", kind = "urls", url = "https://10.1.2.3/list.txt" },
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Contains("not a valid CSS selector", errors.GetProperty("[1].config.html.links")[0].GetString());
        Assert.Contains("Crawl:SocksProxies", errors.GetProperty("[2].config.proxy")[0].GetString());
        Assert.Contains("must be one of", errors.GetProperty("[3].config.dump.format")[0].GetString());
        Assert.Contains("private", errors.GetProperty("[4].url")[0].GetString());
        Assert.False(errors.TryGetProperty("[0].url", out _));
        Assert.Equal(0, (await host.Api.GetFromJsonAsync<JsonElement>("sources")).GetArrayLength());
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Monitor.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("Monitor.sln not found above the test binaries");
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LeakMonitor.Core.Fingerprints;
using LeakMonitor.Core.Storage;
using LeakMonitor.IntegrationTests.Infrastructure;
using LeakMonitor.LocalHost;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// Soak: a loopback paste site publishes documents at a steady rate, some carrying registered secrets; the local host
// crawls, matches and calls a loopback webhook. Reports throughput, latency percentiles, queue depths over time and
// lost/duplicated leaks (both must be 0).
var options = SoakOptions.Parse(args);
Console.WriteLine($"soak: {options.Documents} documents at {options.Rate}/s, {options.Planted} planted secrets");

await using var azurite = await Azurite.StartAsync(location: null, ports: null, Console.Out, default);
await using var site = await LoopbackServer.StartAsync();
await using var receiver = await LoopbackServer.StartAsync();

var published = new ConcurrentDictionary<int, DateTimeOffset>();
var fetched = new ConcurrentDictionary<int, DateTimeOffset>();
var pastes = new ConcurrentDictionary<int, string>();
var deliveries = new ConcurrentQueue<(string Delivery, int Paste, DateTimeOffset At)>();

site.Map("/feed.xml", async context =>
{
    // The newest items first, as paste sites list them; the crawler takes what it has not seen.
    var newest = published.Keys.OrderDescending().Take(options.ListingSize);
    var items = string.Concat(newest.Select(n =>
        $"<item><link>{site.Url($"paste/{n}").AbsoluteUri}</link><guid>paste-{n}</guid></item>"));
    context.Response.ContentType = "application/rss+xml";
    await context.Response.WriteAsync($"<?xml version=\"1.0\"?><rss version=\"2.0\"><channel>{items}</channel></rss>");
});
for (var n = 0; n < options.Documents; n++)
{
    var paste = n;
    site.Map($"/paste/{paste}", async context =>
    {
        fetched.TryAdd(paste, DateTimeOffset.UtcNow);
        await context.Response.WriteAsync(pastes[paste]);
    });
}
receiver.Map("/hook", async context =>
{
    var delivery = context.Request.Headers["X-LeakMonitor-Delivery"].ToString();
    using var payload = await JsonDocument.ParseAsync(context.Request.Body);
    var url = payload.RootElement.GetProperty("source").GetProperty("url").GetString()!;
    deliveries.Enqueue((delivery, int.Parse(url[(url.LastIndexOf('/') + 1)..], CultureInfo.InvariantCulture), DateTimeOffset.UtcNow));
});

var apiKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
var apiPort = LoopbackPorts.Free();
var configuration = LocalHostBuilder.BuildConfiguration(null, new Dictionary<string, string?>
{
    ["AzureWebJobsStorage"] = azurite.ConnectionString,
    ["Crawl:Schedule"] = "*/1 * * * * *",
    ["Crawl:MaxItemsPerCrawl"] = options.ListingSize.ToString(CultureInfo.InvariantCulture),
    ["Crawl:MinRequestInterval"] = "00:00:00", // the loopback site is ours: no politeness delay
    ["Fingerprints:RegistryRefreshInterval"] = "00:00:01",
    ["Api:BootstrapKey"] = apiKey,
    ["Api:RateLimitPerMinute"] = "1000000", // the soak registers its secrets as fast as it can
    ["Api:RateLimitBurst"] = "100000",
    ["Outbound:AllowedHosts"] = "127.0.0.1",
    ["Logging:LogLevel:Default"] = "Warning",
}, includeEnvironment: false);
using var host = LocalHostBuilder.Build(configuration, $"http://127.0.0.1:{apiPort}");
await host.StartAsync();
using var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{apiPort}/api/") };
api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);

// Register the secrets that will be planted (only their fingerprints reach the service).
var secrets = Enumerable.Range(0, options.Planted).Select(i => $"lmsoak_{i:D5}_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))}").ToArray();
foreach (var secret in secrets)
{
    var response = await api.PostAsJsonAsync("fingerprints", new
    {
        label = secret[..12],
        fingerprint = FingerprintScheme.Format(FingerprintScheme.Hash(FingerprintScheme.DevelopmentSalt, Encoding.UTF8.GetBytes(secret))),
        length = secret.Length,
        webhookUrl = receiver.Url("hook").AbsoluteUri,
    });
    response.EnsureSuccessStatusCode();
}
(await api.PostAsJsonAsync("sources", new { name = "soak", kind = "feed", url = site.Url("feed.xml").AbsoluteUri, intervalMinutes = 1 }))
    .EnsureSuccessStatusCode();
Console.WriteLine($"soak: registered {secrets.Length} fingerprints and the source; publishing");

var storage = host.Services.GetRequiredService<StorageAccount>();
var queueNames = new[] { "crawl-jobs", "documents", "hits" };
using var sampling = new CancellationTokenSource();
var sampler = Task.Run(async () =>
{
    var clock = Stopwatch.StartNew();
    while (!sampling.IsCancellationRequested)
    {
        var depths = new List<string>();
        foreach (var q in queueNames)
        {
            var props = await storage.Queues.GetQueueClient(q).GetPropertiesAsync();
            depths.Add($"{q}={props.Value.ApproximateMessagesCount}");
        }
        Console.WriteLine($"t={clock.Elapsed.TotalSeconds,6:0}s published={published.Count} fetched={fetched.Count} " +
            $"delivered={deliveries.Count} queues: {string.Join(' ', depths)}");
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(options.SampleSeconds), sampling.Token);
        }
        catch (OperationCanceledException)
        {
        }
    }
});

// Publish at a steady rate; every (documents / planted)-th paste carries the next secret.
var plantEvery = Math.Max(1, options.Documents / Math.Max(1, options.Planted));
var plantedAt = new Dictionary<int, int>();
var run = Stopwatch.StartNew();
for (var n = 0; n < options.Documents; n++)
{
    var text = new StringBuilder($"paste {n}\n{Filler(n)}\n");
    if (n % plantEvery == 0 && plantedAt.Count < secrets.Length)
    {
        text.Append(CultureInfo.InvariantCulture, $"export API_TOKEN={secrets[plantedAt.Count]}\n");
        plantedAt[n] = plantedAt.Count;
    }
    pastes[n] = text.ToString();
    published[n] = DateTimeOffset.UtcNow;
    var due = TimeSpan.FromSeconds((n + 1) / options.Rate);
    if (due > run.Elapsed)
    {
        await Task.Delay(due - run.Elapsed);
    }
}
var publishSeconds = run.Elapsed.TotalSeconds;
Console.WriteLine($"soak: published {options.Documents} in {publishSeconds:0.0} s; waiting for the pipeline to finish");

// Done when everything is crawled and alerted, or when nothing new was crawled for two crawl intervals (pastes that
// scrolled off the listing before a crawl reached them are never seen, as on a real site).
var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(options.DrainSeconds);
var lastProgress = (Fetched: -1, Delivered: -1, At: DateTime.UtcNow);
while (DateTime.UtcNow < deadline)
{
    var deliveredNow = deliveries.Select(d => d.Delivery).Distinct().Count();
    var plantedFetched = plantedAt.Keys.Count(fetched.ContainsKey);
    if (fetched.Count == options.Documents && deliveredNow >= plantedAt.Count)
    {
        break;
    }
    if ((fetched.Count, deliveredNow) != (lastProgress.Fetched, lastProgress.Delivered))
    {
        lastProgress = (fetched.Count, deliveredNow, DateTime.UtcNow);
    }
    else if (DateTime.UtcNow - lastProgress.At > TimeSpan.FromSeconds(130) && deliveredNow >= plantedFetched)
    {
        break;
    }
    await Task.Delay(500);
}
var totalSeconds = run.Elapsed.TotalSeconds;
await sampling.CancelAsync();
await sampler;

var distinct = deliveries.GroupBy(d => d.Paste).ToDictionary(g => g.Key, g => g.OrderBy(d => d.At).First());
// Lost = crawled but never alerted (a pipeline failure). Missed = never crawled (the listing moved on first).
var lost = plantedAt.Keys.Count(p => fetched.ContainsKey(p) && !distinct.ContainsKey(p));
var missedByCrawl = plantedAt.Keys.Count(p => !fetched.ContainsKey(p));
var duplicated = deliveries.Count - deliveries.Select(d => d.Delivery).Distinct().Count();
var publishToWebhook = distinct.Values.Select(d => (d.At - published[d.Paste]).TotalMilliseconds).Order().ToArray();
var fetchToWebhook = distinct.Values.Where(d => fetched.ContainsKey(d.Paste)).Select(d => (d.At - fetched[d.Paste]).TotalMilliseconds).Order().ToArray();
var lastFetch = fetched.Values.DefaultIfEmpty(DateTimeOffset.UtcNow).Max();
var firstFetch = fetched.Values.DefaultIfEmpty(DateTimeOffset.UtcNow).Min();

Console.WriteLine();
Console.WriteLine("soak results");
Console.WriteLine($"  documents published      {options.Documents} in {publishSeconds:0.0} s ({options.Documents / publishSeconds:0.0}/s)");
Console.WriteLine($"  documents crawled        {fetched.Count} ({fetched.Count / Math.Max(0.001, (lastFetch - firstFetch).TotalSeconds):0.0}/s between first and last fetch)");
Console.WriteLine($"  planted / delivered      {plantedAt.Count} / {distinct.Count}");
Console.WriteLine($"  lost (crawled, no alert) {lost}");
Console.WriteLine($"  not crawled (scrolled off the listing before a crawl reached them) {missedByCrawl}");
Console.WriteLine($"  duplicated               {duplicated}");
Console.WriteLine($"  publish → webhook (ms)   p50 {P(publishToWebhook, 50)}  p90 {P(publishToWebhook, 90)}  p99 {P(publishToWebhook, 99)}  max {P(publishToWebhook, 100)}");
Console.WriteLine($"  crawl fetch → webhook    p50 {P(fetchToWebhook, 50)}  p90 {P(fetchToWebhook, 90)}  p99 {P(fetchToWebhook, 99)}  max {P(fetchToWebhook, 100)}");
Console.WriteLine($"  total run                {totalSeconds:0.0} s");
await host.StopAsync();
return lost == 0 && duplicated == 0 ? 0 : 1;

static string P(double[] sorted, int percentile)
    => sorted.Length == 0 ? "n/a" : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(percentile / 100.0 * sorted.Length) - 1)].ToString("0", CultureInfo.InvariantCulture);

static string Filler(int n)
    => string.Join('\n', Enumerable.Range(0, 20).Select(i => $"line {i}: user{n % 97}@example.com logged in from 10.{n % 255}.{i}.1 status=ok"));


internal sealed record SoakOptions(int Documents, int Planted, double Rate, int ListingSize, int SampleSeconds, int DrainSeconds)
{
    public static SoakOptions Parse(string[] args)
    {
        string Get(string name, string fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }
        return new SoakOptions(
            int.Parse(Get("--documents", "20000"), CultureInfo.InvariantCulture),
            int.Parse(Get("--planted", "1000"), CultureInfo.InvariantCulture),
            double.Parse(Get("--rate", "25"), CultureInfo.InvariantCulture),
            int.Parse(Get("--listing", "5000"), CultureInfo.InvariantCulture),
            int.Parse(Get("--sample-seconds", "10"), CultureInfo.InvariantCulture),
            int.Parse(Get("--drain-seconds", "600"), CultureInfo.InvariantCulture));
    }
}

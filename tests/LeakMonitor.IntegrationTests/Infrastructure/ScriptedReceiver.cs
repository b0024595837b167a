using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LeakMonitor.Core.Fingerprints;
using LeakMonitor.Core.Storage;
using Microsoft.AspNetCore.Http;

namespace LeakMonitor.IntegrationTests.Infrastructure;

/// <summary>
/// Loopback rotation, Slack and Teams receivers whose answers follow a script (500, then a hang, then 200…): each
/// path answers with the next step, repeating the last. Records what each request got, to count successes.
/// </summary>
public sealed class ScriptedReceiver : IAsyncDisposable
{
    public const string Rotate = "rotate";
    public const string Slack = "slack";
    public const string Teams = "teams";

    private readonly ConcurrentDictionary<string, (Func<HttpContext, Task>[] Steps, int Next)> scripts = new();
    private readonly Lock sync = new();

    private ScriptedReceiver(LoopbackServer server) => Server = server;

    public LoopbackServer Server { get; }

    /// <summary>Status code each request to a path was answered with, in arrival order.</summary>
    public ConcurrentQueue<(string Path, int Status, bool Throttled)> Answered { get; } = new();

    public static async Task<ScriptedReceiver> StartAsync()
    {
        var receiver = new ScriptedReceiver(await LoopbackServer.StartAsync());
        foreach (var path in new[] { Rotate, Slack, Teams })
        {
            receiver.Script(path, Status(path == Slack ? 200 : 202, path == Slack ? "ok" : ""));
            receiver.Server.Map(path, context => receiver.AnswerAsync(path, context));
        }
        return receiver;
    }

    public string Url(string path) => Server.Url(path).AbsoluteUri;

    public void Script(string path, params Func<HttpContext, Task>[] steps) => scripts[path] = (steps, 0);

    public static Func<HttpContext, Task> Status(int status, string body = "", string? retryAfter = null)
        => async context =>
        {
            context.Response.StatusCode = status;
            if (retryAfter is not null)
            {
                context.Response.Headers.RetryAfter = retryAfter;
            }
            if (body.Length > 0)
            {
                await context.Response.WriteAsync(body);
            }
        };

    /// <summary>What Teams Workflows can do: HTTP 202 whose body says the request was throttled (429).</summary>
    public static Func<HttpContext, Task> ThrottledInBody()
        => async context =>
        {
            context.Items["throttled"] = true;
            context.Response.StatusCode = 202;
            await context.Response.WriteAsync(
                """{"error":{"code":"TooManyRequests","statusCode":429,"message":"Too many requests. Retry later."}}""");
        };

    /// <summary>A slow receiver: answers <paramref name="status"/> after <paramref name="delay"/> (below the caller's timeout).</summary>
    public static Func<HttpContext, Task> Slow(TimeSpan delay, int status, string body = "")
        => async context =>
        {
            await Task.Delay(delay, context.RequestAborted);
            await Status(status, body)(context);
        };

    /// <summary>Answers only after the caller gave up (its per-attempt timeout is shorter than this).</summary>
    public static Func<HttpContext, Task> Hang(TimeSpan howLong)
        => async context =>
        {
            try
            {
                await Task.Delay(howLong, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            context.Response.StatusCode = 504;
        };

    public IReadOnlyList<ReceivedRequest> Requests(string path)
        => Server.Requests.Where(r => r.Path == "/" + path).ToList();

    /// <summary>Requests answered 2xx and not throttled in the body: what the receiver really accepted.</summary>
    public int Successes(string path) => Answered.Count(a => a.Path == path && a.Status is >= 200 and < 300 && !a.Throttled);

    private async Task AnswerAsync(string path, HttpContext context)
    {
        Func<HttpContext, Task> step;
        lock (sync)
        {
            var (steps, next) = scripts[path];
            step = steps[Math.Min(next, steps.Length - 1)];
            scripts[path] = (steps, next + 1);
        }
        await step(context);
        Answered.Enqueue((path, context.RequestAborted.IsCancellationRequested ? 0 : context.Response.StatusCode,
            context.Items.ContainsKey("throttled")));
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}

/// <summary>Registering secrets with responders and sending hits straight to the hits queue.</summary>
public static class ResponseDriver
{
    public static Task<string> RegisterAsync(TestHost host, string label, string secret, object[] responders,
        string? webhookUrl = null)
        => RegisterAsync(host.Api, label, secret, responders, webhookUrl);

    /// <summary>Registers through any host's API (<paramref name="api"/> carries its key).</summary>
    public static async Task<string> RegisterAsync(HttpClient api, string label, string secret, object[] responders,
        string? webhookUrl = null)
    {
        var fp = FingerprintScheme.Format(FingerprintScheme.Hash(FingerprintScheme.DevelopmentSalt, Encoding.UTF8.GetBytes(secret)));
        var response = await api.PostAsJsonAsync("fingerprints", new
        {
            label, fingerprint = fp, length = Encoding.UTF8.GetByteCount(secret), webhookUrl, responders,
        });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;
    }

    public static object[] AllResponders(ScriptedReceiver r) =>
    [
        new { type = "webhook", url = r.Url(ScriptedReceiver.Rotate) },
        new { type = "slack", url = r.Url(ScriptedReceiver.Slack) },
        new { type = "teams", url = r.Url(ScriptedReceiver.Teams) },
    ];

    public static HitMessage Hit(string secretId, string documentId, int line = 1, int documentHits = 1)
        => new("blue-team", secretId, documentId, "src-1", $"https://pastes.example/raw/{documentId}", line, 10 * line,
            "plain", new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero).AddMinutes(line), documentHits);

    public static async Task SendAsync(TestHost host, IEnumerable<HitMessage> hits)
    {
        var queue = host.Storage.Queues.GetQueueClient(host.Queue("Hits"));
        await queue.CreateIfNotExistsAsync();
        foreach (var hit in hits)
        {
            await queue.SendMessageAsync(JsonSerializer.Serialize(hit));
        }
    }

    public static Task<JsonElement> IncidentsAsync(TestHost host, string query = "") => IncidentsAsync(host.Api, query);

    public static async Task<JsonElement> IncidentsAsync(HttpClient api, string query = "")
        => await api.GetFromJsonAsync<JsonElement>("incidents" + query);
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace LeakMonitor.Cli.Commands.Client;

/// <summary>A problem+json answer (or a network failure), with the exit code it maps to.</summary>
internal sealed class ApiProblem(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}

/// <summary>The LeakMonitor HTTP API as the CLI uses it: JSON in, JSON out, problems as <see cref="ApiProblem"/>.</summary>
internal sealed class ApiClient : IDisposable
{
    private readonly HttpClient http;

    public ApiClient(Uri baseAddress, string credential, HttpMessageHandler? handler = null)
    {
        http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        http.BaseAddress = baseAddress;
        http.Timeout = TimeSpan.FromSeconds(100);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        http.DefaultRequestHeaders.UserAgent.ParseAdd($"leakmon-cli/{typeof(ApiClient).Assembly.GetName().Version}");
    }

    public Uri BaseAddress => http.BaseAddress!;

    public Task<JsonElement> GetAsync(string path, CancellationToken ct) => SendAsync(HttpMethod.Get, path, null, ct);

    public Task<JsonElement> PostAsync(string path, object body, CancellationToken ct) => SendAsync(HttpMethod.Post, path, body, ct);

    public Task<JsonElement> DeleteAsync(string path, CancellationToken ct) => SendAsync(HttpMethod.Delete, path, null, ct);

    public async Task<JsonElement> SendAsync(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new ApiProblem(ExitCodes.Unavailable, $"cannot reach {BaseAddress}: {e.Message}");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new ApiProblem(ExitCodes.Unavailable, $"{BaseAddress} did not answer in time");
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
            }
            throw new ApiProblem(ExitCodeFor(response.StatusCode), Describe(response, text));
        }
    }

    private static int ExitCodeFor(HttpStatusCode status) => status switch
    {
        HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => ExitCodes.Auth,
        HttpStatusCode.TooManyRequests => ExitCodes.Unavailable,
        >= HttpStatusCode.InternalServerError => ExitCodes.Unavailable,
        _ => ExitCodes.Refused,
    };

    /// <summary>"403 Not allowed: detail", then one line per invalid field; a Retry-After when rate limited.</summary>
    private static string Describe(HttpResponseMessage response, string text)
    {
        var lines = new List<string>();
        try
        {
            using var problem = JsonDocument.Parse(text);
            var root = problem.RootElement;
            var title = root.TryGetProperty("title", out var t) ? t.GetString() : response.ReasonPhrase;
            var detail = root.TryGetProperty("detail", out var d) ? d.GetString() : null;
            lines.Add($"{(int)response.StatusCode} {title}{(detail is null ? "" : ": " + detail)}");
            if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
            {
                lines.AddRange(errors.EnumerateObject().Select(e =>
                    $"  {e.Name}: {string.Join("; ", e.Value.EnumerateArray().Select(v => v.GetString()))}"));
            }
        }
        catch (JsonException)
        {
            lines.Add($"{(int)response.StatusCode} {response.ReasonPhrase}");
        }
        if (response.Headers.RetryAfter?.Delta is { } wait)
        {
            lines.Add($"  retry after {wait.TotalSeconds:0} s");
        }
        return string.Join(Environment.NewLine, lines);
    }

    public void Dispose() => http.Dispose();
}

using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using LeakMonitor.Core.Fingerprints;
using LeakMonitor.Core.Registry;
using LeakMonitor.Core.Storage;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace LeakMonitor.Core.Response;

/// <summary>What GitHub's credential revocation said; <see cref="Final"/> when retrying cannot change it.</summary>
public sealed record RevocationOutcome(bool Revoked, bool Final, int? StatusCode, string Error);

/// <summary>
/// Revokes a leaked GitHub token through GitHub's credential revocation API (<c>POST /credentials/revoke</c> with
/// <c>{"credentials": [token]}</c>). The token is read back from the stored document at the recorded offset — the
/// only place LeakMonitor touches a plaintext secret, and only because it is already public — and is checked against
/// the registered fingerprint first, so nothing but the registered secret is ever sent. It lives in byte arrays that
/// are zeroed after the call, and is never logged or stored.
/// </summary>
public sealed class GitHubRevoker
{
    public const string ClientName = "github";
    private static readonly string[] TokenPrefixes = ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"];
    private readonly IHttpClientFactory clients;
    private readonly DocumentStore documents;
    private readonly FingerprintKeys keys;
    private readonly Uri endpoint;
    private readonly ResiliencePipeline<HttpResponseMessage> pipeline;

    public GitHubRevoker(IHttpClientFactory clients, DocumentStore documents, FingerprintKeys keys,
        IOptions<GitHubOptions> options, IOptions<WebhookOptions> webhooks, TimeProvider time)
    {
        this.clients = clients;
        this.documents = documents;
        this.keys = keys;
        endpoint = new Uri(new Uri(options.Value.ApiBaseUrl.TrimEnd('/') + "/"), "credentials/revoke");
        pipeline = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = 3,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(500),
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .HandleResult(r => r.StatusCode == HttpStatusCode.TooManyRequests || (int)r.StatusCode >= 500),
                OnRetry = args =>
                {
                    args.Outcome.Result?.Dispose();
                    return ValueTask.CompletedTask;
                },
            })
            .AddTimeout(webhooks.Value.Timeout)
            .Build();
    }

    public async Task<RevocationOutcome> RevokeAsync(IncidentEntity incident, FingerprintEntity fingerprint,
        CancellationToken ct)
    {
        if (incident.DecoderChain != "plain")
        {
            return new(false, true, null, $"found through decoders ({incident.DecoderChain}); only a plain occurrence can be read back");
        }
        var token = await ReadAtAsync(incident.DocumentId, incident.Offset, fingerprint.Length, ct).ConfigureAwait(false);
        byte[]? body = null;
        try
        {
            if (token is null || !IsRegisteredSecret(token, fingerprint))
            {
                return new(false, true, null, "the bytes at the recorded offset are not the registered secret");
            }
            if (!IsGitHubToken(token))
            {
                return new(false, true, null, "not a GitHub token (ghp_, gho_, ghu_, ghs_, ghr_, github_pat_)");
            }
            // Written as bytes, not a string, so the token can be wiped; its characters need no JSON escaping.
            body = [.. "{\"credentials\":[\""u8, .. token, .. "\"]}"u8];
            var client = clients.CreateClient(ClientName);
            using var response = await pipeline.ExecuteAsync(async t =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
                {
                    Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
                };
                request.Headers.Accept.ParseAdd("application/vnd.github+json");
                request.Headers.Add("X-GitHub-Api-Version", "2022-11-28");
                return await client.SendAsync(request, t).ConfigureAwait(false);
            }, ct).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            return response.IsSuccessStatusCode
                ? new(true, true, status, "")
                : new(false, status is >= 400 and < 500 and not 429, status, $"answered {status}");
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException)
        {
            return new(false, false, null, e.Message);
        }
        finally
        {
            if (token is not null)
            {
                CryptographicOperations.ZeroMemory(token);
            }
            if (body is not null)
            {
                CryptographicOperations.ZeroMemory(body);
            }
        }
    }

    private bool IsRegisteredSecret(byte[] candidate, FingerprintEntity fingerprint)
    {
        var stored = HMACSHA256.HashData(keys.Pepper, FingerprintScheme.Hash(keys.Salt, candidate));
        return CryptographicOperations.FixedTimeEquals(stored, Convert.FromBase64String(fingerprint.StoredHash));
    }

    internal static bool IsGitHubToken(ReadOnlySpan<byte> token)
    {
        var text = Encoding.ASCII.GetString(token);
        return TokenPrefixes.Any(p => text.StartsWith(p, StringComparison.Ordinal))
            && token.IndexOfAnyExcept("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_"u8) < 0;
    }

    private async Task<byte[]?> ReadAtAsync(string documentId, long offset, int length, CancellationToken ct)
    {
        // Blob naming of DocumentStore.PutAsync: the claim check is the content's SHA-256, fanned out by its first byte.
        var blobName = $"{documentId[..2]}/{documentId}";
        var stream = await documents.OpenReadAsync(blobName, ct).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            if (stream.CanSeek)
            {
                stream.Position = offset;
            }
            else
            {
                var skip = new byte[8192];
                for (var left = offset; left > 0;)
                {
                    var read = await stream.ReadAsync(skip.AsMemory(0, (int)Math.Min(skip.Length, left)), ct).ConfigureAwait(false);
                    if (read == 0)
                    {
                        return null;
                    }
                    left -= read;
                }
            }
            var token = new byte[length];
            var total = 0;
            int n;
            while (total < length && (n = await stream.ReadAsync(token.AsMemory(total), ct).ConfigureAwait(false)) > 0)
            {
                total += n;
            }
            return total == length ? token : null;
        }
    }
}

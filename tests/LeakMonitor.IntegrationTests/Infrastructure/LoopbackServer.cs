using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LeakMonitor.IntegrationTests.Infrastructure;

/// <summary>A request a loopback server received: what a fake site or receiver can assert on.</summary>
public sealed record ReceivedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body,
    DateTimeOffset At);

/// <summary>
/// A real HTTP server on 127.0.0.1 (Kestrel, free port) playing a paste site or a webhook receiver. Handlers are
/// swapped at run time; every request is recorded.
/// </summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Func<HttpContext, Task>> routes = new();
    private WebApplication? app;

    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

    public Uri BaseUrl { get; private set; } = null!;

    public static async Task<LoopbackServer> StartAsync()
    {
        var server = new LoopbackServer();
        await server.ListenAsync(port: 0);
        return server;
    }

    /// <summary>Closes the port: callers get "connection refused" until <see cref="ComeBackAsync"/>.</summary>
    public async Task GoDownAsync()
    {
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
            app = null;
        }
    }

    /// <summary>Listens again on the same port, with the same routes; requests keep being recorded.</summary>
    public Task ComeBackAsync() => ListenAsync(BaseUrl.Port);

    private async Task ListenAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        app = builder.Build();
        app.Run(HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseUrl = new Uri(address.TrimEnd('/') + "/");
    }

    public Uri Url(string path) => new(BaseUrl, path.TrimStart('/'));

    public void Map(string path, Func<HttpContext, Task> handler) => routes["/" + path.TrimStart('/')] = handler;

    public void MapText(string path, string contentType, Func<string> body)
        => Map(path, context =>
        {
            context.Response.ContentType = contentType;
            return context.Response.WriteAsync(body());
        });

    private async Task HandleAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        Requests.Enqueue(new ReceivedRequest(context.Request.Method, context.Request.Path,
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            body.ToArray(), DateTimeOffset.UtcNow));
        body.Position = 0;
        context.Request.Body = body; // handlers can read the body too
        if (routes.TryGetValue(context.Request.Path, out var handler))
        {
            await handler(context);
        }
        else
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
        }
    }

    public ValueTask DisposeAsync() => new(GoDownAsync());
}

using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LeakMonitor.Cli.Commands;
using LeakMonitor.Core.Storage;
using LeakMonitor.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LeakMonitor.IntegrationTests;

/// <summary>A message that always fails is retried, then parked in its poison queue; the rest of the batch goes on.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class PoisonTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Document_that_always_fails_lands_in_documents_poison_and_the_rest_of_the_batch_is_processed()
    {
        await using var host = await TestHost.StartAsync(azurite);
        await using var receiver = await LoopbackServer.StartAsync();
        receiver.Map("/hook", _ => Task.CompletedTask);

        // Two secrets, each leaked in its own document, with a forged claim check between them.
        string[] secrets = ["AKIAIOSFODNN7EXAMPLE", "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx"];
        foreach (var (secret, i) in secrets.Select((s, i) => (s, i)))
        {
            await ResponseDriver.RegisterAsync(host, $"secret-{i}", secret, [], receiver.Url("hook").AbsoluteUri);
        }
        await host.WaitForRegistryAsync(secrets.Length);
        var store = host.Documents;
        var documents = host.Storage.Queues.GetQueueClient(host.Queue("Documents"));
        var first = await store.PutAsync(Encoding.UTF8.GetBytes($"aws_access_key_id = {secrets[0]}\n"), "test:1", default);
        var second = await store.PutAsync(Encoding.UTF8.GetBytes($"SLACK_TOKEN=\"{secrets[1]}\"\n"), "test:2", default);
        await Send(documents, new DocumentMessage(first.DocumentId, first.BlobName, "test", "test:1", first.Length));
        await Send(documents, new DocumentMessage("forged", "00/does-not-exist", "test", "test:bad", 10));
        await Send(documents, new DocumentMessage(second.DocumentId, second.BlobName, "test", "test:2", second.Length));

        var poison = $"{host.Queue("Documents")}-poison";
        await Eventually.UntilAsync(() => host.QueueLengthAsync(poison), n => n == 1, TimeSpan.FromSeconds(60),
            "the forged document to reach the poison queue");
        await Eventually.UntilAsync(() => receiver.Requests.Count(r => r.Path == "/hook") == 2, TimeSpan.FromSeconds(60),
            "both good documents to produce a webhook call");

        var parked = (await host.Storage.Queues.GetQueueClient(poison).PeekMessagesAsync()).Value.Single();
        var message = parked.Body.ToObjectFromJson<DocumentMessage>()!;
        Assert.Equal("forged", message.DocumentId);
        // The reason is logged: the missing blob, by name.
        Assert.Contains(host.Logs.Lines, l => l.Contains("00/does-not-exist", StringComparison.Ordinal)
            && l.Contains("does not exist", StringComparison.Ordinal));
        Assert.Equal(0, await host.QueueLengthAsync(host.Queue("Documents")));

        // `leakmon poison list` shows it; once the cause is fixed (the blob exists), `replay` finishes the job.
        var poisonQueues = host.Services.GetRequiredService<PoisonQueues>();
        var listing = new StringWriter();
        Assert.Equal(0, await PoisonCommand.ListAsync(poisonQueues, "documents", json: true, listing, default));
        var listed = JsonDocument.Parse(listing.ToString().Trim()).RootElement;
        Assert.Equal(parked.MessageId, listed.GetProperty("id").GetString());
        Assert.Equal("documents", listed.GetProperty("queue").GetString());

        var blob = host.DocumentsContainer.GetBlobClient("00/does-not-exist");
        await blob.UploadAsync(new BinaryData($"repaired: {secrets[0]}"));
        Assert.Equal(0, await PoisonCommand.ReplayAsync(poisonQueues, "documents", parked.MessageId, new StringWriter(), default));
        // The replayed document leaks secrets[0] again: an incident is per secret, so it adds an occurrence to that
        // secret's incident instead of a second rotation call.
        var incidents = await host.Api.GetFromJsonAsync<JsonElement>("incidents");
        var firstIncident = incidents.EnumerateArray().Single(i => i.GetProperty("label").GetString() == "secret-0").GetProperty("id").GetString();
        await Eventually.UntilAsync(() => host.Api.GetFromJsonAsync<JsonElement>($"incidents/{firstIncident}"),
            i => i.GetProperty("occurrences").GetArrayLength() == 2, TimeSpan.FromSeconds(60),
            "the replayed document to add its occurrence");
        Assert.Equal(2, receiver.Requests.Count(r => r.Path == "/hook"));
        Assert.Equal(0, await host.QueueLengthAsync(poison));
    }

    private static Task Send(Azure.Storage.Queues.QueueClient queue, DocumentMessage message)
        => queue.SendMessageAsync(JsonSerializer.Serialize(message));
}

using System.Security.Cryptography;
using Azure;
using Azure.Storage.Blobs.Models;

namespace LeakMonitor.Core.Storage;

/// <summary>Thrown when a claim check points at a blob that does not exist; the message retries, then is poisoned.</summary>
public sealed class DocumentMissingException(string blobName)
    : Exception($"Document blob '{blobName}' does not exist (deleted, or the message was forged).")
{
    public string BlobName { get; } = blobName;
}

/// <summary>A document kept as a blob, named by the SHA-256 of its content (so a re-post is stored once).</summary>
public sealed record StoredDocument(string DocumentId, string BlobName, long Length, bool AlreadyStored);

/// <summary>Collected documents in blob storage: the claim checks the matcher reads.</summary>
public sealed class DocumentStore(StorageClients clients)
{
    public async Task<StoredDocument> PutAsync(byte[] content, string sourceUrl, CancellationToken ct)
    {
        var id = Convert.ToHexStringLower(SHA256.HashData(content));
        var blobName = $"{id[..2]}/{id}";
        var container = await clients.ContainerAsync(clients.Names.DocumentsContainer).ConfigureAwait(false);
        var blob = container.GetBlobClient(blobName);
        try
        {
            await blob.UploadAsync(new BinaryData(content), new BlobUploadOptions
            {
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                Metadata = new Dictionary<string, string> { ["source"] = Uri.EscapeDataString(sourceUrl) },
            }, ct).ConfigureAwait(false);
            return new StoredDocument(id, blobName, content.Length, AlreadyStored: false);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return new StoredDocument(id, blobName, content.Length, AlreadyStored: true);
        }
    }

    public async Task<Stream> OpenReadAsync(string blobName, CancellationToken ct)
    {
        var container = await clients.ContainerAsync(clients.Names.DocumentsContainer).ConfigureAwait(false);
        try
        {
            return await container.GetBlobClient(blobName).OpenReadAsync(new BlobOpenReadOptions(false), ct)
                .ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw new DocumentMissingException(blobName);
        }
    }
}

namespace LeakMonitor.Core.Response;

/// <summary>
/// One async lock per key, dropped when nobody holds or waits for it. The hit handler serialises the hits of one
/// secret in this process, so two deliveries of the same hit in one batch cannot both call the webhook.
/// </summary>
internal sealed class KeyedLocks
{
    private readonly Dictionary<string, Entry> entries = new(StringComparer.Ordinal);
    private readonly Lock sync = new();

    public async Task<IDisposable> AcquireAsync(string key, CancellationToken ct)
    {
        Entry entry;
        lock (sync)
        {
            if (!entries.TryGetValue(key, out entry!))
            {
                entries[key] = entry = new Entry();
            }
            entry.Users++;
        }
        try
        {
            await entry.Gate.WaitAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            Leave(key, entry, held: false);
            throw;
        }
        return new Holder(this, key, entry);
    }

    private void Leave(string key, Entry entry, bool held)
    {
        lock (sync)
        {
            if (held)
            {
                entry.Gate.Release();
            }
            if (--entry.Users == 0)
            {
                entries.Remove(key);
            }
        }
    }

    private sealed class Entry
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);
        public int Users { get; set; }
    }

    private sealed class Holder(KeyedLocks owner, string key, Entry entry) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                owner.Leave(key, entry, held: true);
            }
        }
    }
}

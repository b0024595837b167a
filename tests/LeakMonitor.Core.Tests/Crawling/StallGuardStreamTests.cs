using LeakMonitor.Core.Crawling;
using Microsoft.Extensions.Time.Testing;

namespace LeakMonitor.Core.Tests.Crawling;

public sealed class StallGuardStreamTests
{
    [Fact]
    public async Task A_dump_connection_that_stops_sending_fails_after_the_stall_timeout_not_never()
    {
        var time = new FakeTimeProvider();
        var guarded = new StallGuardStream(new SilentStream(), TimeSpan.FromSeconds(30), time);

        var read = guarded.ReadAsync(new byte[10]).AsTask();
        time.Advance(TimeSpan.FromSeconds(29));
        await Task.WhenAny(read, Task.Delay(50));
        Assert.False(read.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));

        var e = await Assert.ThrowsAsync<IOException>(() => read.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("stalled", e.Message);
    }

    /// <summary>A connection that is open but sends nothing: reads wait until cancelled.</summary>
    private sealed class SilentStream : Stream
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

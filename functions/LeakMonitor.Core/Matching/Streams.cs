using LeakMonitor.Core.IO;

namespace LeakMonitor.Core.Matching;

/// <summary>
/// Counts what a decompressor produces against the session's budget; once it is spent the stream simply ends, so a
/// bomb is cut short without an exception escaping the scanner.
/// </summary>
internal sealed class BudgetStream(Stream inner, ScanSession session) : ReadOnlyStream
{
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var allowed = session.RemainingBudget;
        if (allowed <= 0)
        {
            session.MarkBudgetExhausted();
            return 0;
        }
        var n = inner.Read(buffer[..(int)Math.Min(buffer.Length, allowed)]);
        session.Charge(n);
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }
        base.Dispose(disposing);
    }
}

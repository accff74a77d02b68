using CsCheck;
using Horde.Net.Crdt.Sync;
using MessagePack;

namespace Horde.Net.Crdt.Tests;

/// <summary>The column-block wire form of sync messages: exact round trips, bounded and typed failures on bad bytes.</summary>
public class SyncEncodingTests
{
    // A few writers with any 64-bit id; counters, clocks and logical parts anywhere in their ranges, so the
    // delta coding meets wrap-around and sign changes, not just the friendly runs it is tuned for.
    private static readonly Gen<ulong> ReplicaGen = Gen.OneOf(Gen.ULong[1, 3], Gen.ULong);
    private static readonly Gen<ulong> CounterGen = Gen.OneOf(Gen.ULong[1, 1_000], Gen.ULong[1, ulong.MaxValue]);

    private static readonly Gen<WireEntry> EntryGen =
        Gen.Select(ReplicaGen, CounterGen, Gen.OneOf(Gen.Long[1_700_000_000_000, 1_700_000_000_100], Gen.Long), Gen.OneOf(Gen.UInt[0, 50], Gen.UInt), Gen.Byte.Array[0, 40])
            .Select((replica, counter, physical, logical, value) => new WireEntry(replica, counter, physical, logical, value));

    private static readonly Gen<WireKey> KeyGen =
        Gen.Select(Gen.Byte.Array[0, 30], EntryGen.Array[0, 3], Gen.Select(ReplicaGen, CounterGen).Select((r, c) => new WireDot(r, c)).Array[0, 2])
            .Select((key, entries, dead) => new WireKey(key, entries, dead));

    private static readonly Gen<WireRange> RangeGen = Gen.Select(Gen.ULong, Gen.ULong).Select((a, b) => new WireRange(Math.Min(a, b), Math.Max(a, b)));

    private static readonly Gen<SyncMessage> MessageGen = Gen.OneOf<SyncMessage>(
        Gen.Select(Gen.ULong, KeyGen.Array[0, 40]).Select((seq, keys) => (SyncMessage)new DeltaBatch(seq, keys)),
        Gen.Select(Gen.ULong, RangeGen.Array[0, 40], KeyGen.Array[0, 40]).Select((session, ranges, keys) => (SyncMessage)new RangePush(session, ranges, keys)),
        Gen.Select(Gen.ULong, RangeGen.Array[0, 5], KeyGen.Array[0, 10]).Select((session, ranges, keys) => (SyncMessage)new RangeReply(session, ranges, keys)),
        KeyGen.Array[0, 10].Select(keys => (SyncMessage)new Repair(keys)),
        Gen.Select(Gen.Int[1, 3], Gen.Int.Array[0, 50]).Select((level, nodes) => (SyncMessage)new TreeLevel(level, nodes, new ulong[nodes.Length])));

    [Fact]
    public void Every_message_decodes_to_exactly_what_was_encoded() =>
        MessageGen.Sample(message =>
        {
            var decoded = SyncMessageSerializer.Deserialize(SyncMessageSerializer.Serialize(message));
            Assert.Equal(Rows(message), Rows(decoded));
        }, iter: 2_000);

    [Fact]
    public void Corrupted_bytes_fail_as_checked_serialization_errors() =>
        Gen.Select(MessageGen, Gen.Int, Gen.Byte, Gen.Int[0, 3]).Sample((message, position, value, mode) =>
        {
            var bytes = SyncMessageSerializer.Serialize(message);
            var i = (int)((uint)position % (uint)bytes.Length);
            bytes = mode switch
            {
                0 => bytes[..i], // truncated
                _ => Flip(bytes, i, value),
            };
            try
            {
                SyncMessageSerializer.Deserialize(bytes);
            }
            catch (MessagePackSerializationException e)
            {
                // The one failure a receiver expects (it logs and drops the message), caused by a check, not by
                // an index running off an array or an allocation the bytes asked for.
                for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
                {
                    Assert.True(
                        inner is InvalidDataException or MessagePackSerializationException or EndOfStreamException or OverflowException
                            or InvalidOperationException, // MessagePack's own "invalid union data"
                        $"unexpected {inner.GetType().Name}: {inner.Message} {inner.StackTrace}");
                }
            }
        }, iter: 5_000);

    [Fact]
    public void A_block_declaring_a_huge_size_is_refused_before_anything_is_allocated()
    {
        // RangePush(1, [], <block>): the block says 2^40 raw bytes follow, stored.
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        var w = new MessagePackWriter(buffer);
        w.WriteArrayHeader(2);
        w.Write(4); // union tag of RangePush
        w.WriteArrayHeader(3);
        w.Write(1UL);
        w.Write(new byte[] { 0 }); // no ranges
        w.Write(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x80, 0x20, 0 }); // varint 2^40, method "stored"
        w.Flush();

        var error = Assert.Throws<MessagePackSerializationException>(() => SyncMessageSerializer.Deserialize(buffer.WrittenMemory));
        Assert.Contains("at most", Describe(error), StringComparison.Ordinal);
    }

    [Fact]
    public void A_block_declaring_far_more_bytes_than_its_own_size_could_hold_is_refused_before_decompressing()
    {
        // 8 MB declared (well under the 64 MiB cap) behind a 10-byte Brotli payload: a decompression bomb.
        var block = new System.Buffers.ArrayBufferWriter<byte>();
        Sync.Encoding.Varint.Write(block, 8_000_000);
        System.Buffers.BuffersExtensions.Write<byte>(block, [1, 0x1b, 0xff, 0xff, 0x7f, 0, 0, 0, 0, 0, 0]);

        var error = Assert.Throws<InvalidDataException>(() => Sync.Encoding.BlockCompression.Decompress(block.WrittenSpan));
        Assert.Contains("per byte", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Data_that_compresses_beyond_the_accepted_ratio_is_stored_and_still_round_trips()
    {
        var zeros = new byte[1_000_000];
        var block = Sync.Encoding.BlockCompression.Compress(zeros);
        Assert.True(block.Length >= zeros.Length / Sync.Encoding.BlockCompression.MaxRatio, $"{block.Length} bytes for {zeros.Length}");
        Assert.Equal(zeros, Sync.Encoding.BlockCompression.Decompress(block));
    }

    [Fact]
    public void An_entry_count_larger_than_the_block_could_hold_is_refused_before_allocating()
    {
        // One key of length 1 claiming a million entries, in a stored block of a few bytes.
        var raw = new System.Buffers.ArrayBufferWriter<byte>();
        foreach (var n in new ulong[] { 1, 0, 1, 1_000_000, 0 })
        {
            Sync.Encoding.Varint.Write(raw, n);
        }

        var block = Sync.Encoding.BlockCompression.Compress(raw.WrittenSpan);
        var error = Assert.Throws<InvalidDataException>(() => Sync.Encoding.KeyBlock.Decode(block));
        Assert.Contains("exceed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Consecutive_writes_of_one_replica_take_far_fewer_bytes_than_as_plain_rows()
    {
        var keys = Enumerable.Range(0, 200).Select(i => new WireKey(
            MessagePackSerializer.Serialize($"key-{i * 500:D6}", cancellationToken: TestContext.Current.CancellationToken),
            [new WireEntry(0x1234_5678_9abc_def0, (ulong)(i * 500) + 1, 1_700_000_000_000 + (i / 50), (uint)(i % 50), MessagePackSerializer.Serialize($"value-{i * 500}", cancellationToken: TestContext.Current.CancellationToken))],
            [])).ToArray();

        var block = SyncMessageSerializer.Serialize(new RangePush(1, [new WireRange(0, ulong.MaxValue >> 12)], keys)).Length;
        var rows = MessagePackSerializer.Serialize(keys, cancellationToken: TestContext.Current.CancellationToken).Length;

        Assert.True(block * 3 < rows, $"column block {block} bytes, plain rows {rows} bytes: the block should be under a third");
    }

    private static byte[] Flip(byte[] bytes, int i, byte value)
    {
        var copy = bytes.ToArray();
        copy[i] ^= value == 0 ? (byte)1 : value;
        return copy;
    }

    private static string Describe(Exception e) => e.InnerException is null ? e.Message : e.Message + " / " + Describe(e.InnerException);

    /// <summary>A structural form (records holding arrays compare by reference).</summary>
    private static string Rows(SyncMessage message) => message switch
    {
        DeltaBatch m => $"delta {m.FirstSeq} {Rows(m.Keys)}",
        RangePush m => $"push {m.Session} {Rows(m.Ranges)} {Rows(m.Keys)}",
        RangeReply m => $"reply {m.Session} {Rows(m.Covered)} {Rows(m.Keys)}",
        Repair m => $"repair {Rows(m.Keys)}",
        TreeLevel m => $"level {m.Level} {string.Join(',', m.Nodes)} {string.Join(',', m.Hashes)}",
        _ => throw new InvalidOperationException(),
    };

    private static string Rows(WireRange[] ranges) => string.Join(';', ranges.Select(r => $"{r.Low}-{r.High}"));

    private static string Rows(IEnumerable<WireKey> keys) => string.Join(';', keys.Select(k =>
        $"{Convert.ToHexString(k.Key)}[{string.Join(',', k.Entries.Select(e => $"{e.Replica}:{e.Counter}@{e.Physical}.{e.Logical}={Convert.ToHexString(e.Value)}"))}]" +
        $"-[{string.Join(',', k.Dead.Select(d => $"{d.Replica}:{d.Counter}"))}]"));
}

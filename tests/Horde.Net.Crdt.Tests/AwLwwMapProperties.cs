using CsCheck;
using Horde.Net.Crdt;

namespace Horde.Net.Crdt.Tests;

public class AwLwwMapProperties
{
    private static readonly Gen<MapOp> OpGen =
        Gen.Select(Gen.Int[0, 2], Gen.Int[0, 3], Gen.Int[0, 7], Gen.Int[0, 99], Gen.Int[0, 4])
            .Select((replica, kind, key, value, step) => new MapOp(replica, kind != 0, key, value, step));

    private static readonly Gen<(MapOp[] Ops, int Seed)> ScenarioGen =
        Gen.Select(OpGen.Array[0, 40], Gen.Int);

    private static MapScenario Partial((MapOp[] Ops, int Seed) input)
    {
        var scenario = new MapScenario(3, input.Seed);
        scenario.Run(input.Ops, 0.5);
        return scenario;
    }

    [Fact]
    public void Join_is_commutative() =>
        ScenarioGen.Sample(input =>
        {
            var s = Partial(input);
            var ab = s.Maps[0].Clone();
            ab.Join(s.Maps[1]);
            var ba = s.Maps[1].Clone();
            ba.Join(s.Maps[0]);
            return ab.StateEquals(ba) && ab.Read().OrderBy(p => p.Key).SequenceEqual(ba.Read().OrderBy(p => p.Key));
        }, iter: 300);

    [Fact]
    public void Join_is_associative() =>
        ScenarioGen.Sample(input =>
        {
            var s = Partial(input);
            var left = s.Maps[0].Clone();
            left.Join(s.Maps[1]);
            left.Join(s.Maps[2]);
            var bc = s.Maps[1].Clone();
            bc.Join(s.Maps[2]);
            var right = s.Maps[0].Clone();
            right.Join(bc);
            return left.StateEquals(right);
        }, iter: 300);

    [Fact]
    public void Join_is_idempotent() =>
        ScenarioGen.Sample(input =>
        {
            var s = Partial(input);
            var once = s.Maps[0].Clone();
            once.Join(s.Maps[1]);
            var twice = once.Clone();
            twice.Join(s.Maps[1]);
            var self = s.Maps[2].Clone();
            self.Join(s.Maps[2]);
            return once.StateEquals(twice) && self.StateEquals(s.Maps[2]);
        }, iter: 300);

    [Fact]
    public void Applying_a_delta_equals_joining_the_delta_as_a_full_state() =>
        ScenarioGen.Sample(input =>
        {
            var s = Partial(input);
            foreach (var (target, delta) in s.Pending)
            {
                var applied = s.Maps[target].Clone();
                applied.Apply(delta);

                var asState = new AwLwwMap<int, int>(0xdead, MessagePackKeyHasher<int>.Standard);
                var context = new CausalContext();
                foreach (var dot in delta.Entries.Select(e => e.Dot).Concat(delta.Dead))
                {
                    context.Add(dot);
                }

                asState.Restore(0, default, context, [(delta.Key, delta.KeyHash, delta.Entries)]);
                var joined = s.Maps[target].Clone();
                joined.Join(asState);
                if (!applied.StateEquals(joined))
                {
                    return false;
                }
            }

            return true;
        }, iter: 300);

    [Fact]
    public void Replicas_converge_to_the_sequential_model_under_random_delivery_with_duplicates() =>
        ScenarioGen.Sample(input =>
        {
            var s = Partial(input);
            s.DeliverAll();
            var model = s.Model();
            for (var i = 0; i < s.Maps.Length; i++)
            {
                var read = s.Maps[i].Read().ToDictionary(p => p.Key, p => p.Value);
                Assert.Equal(model.OrderBy(p => p.Key), read.OrderBy(p => p.Key));
                Assert.Equal(model.OrderBy(p => p.Key), s.Views[i].OrderBy(p => p.Key));
                Assert.True(s.Maps[i].StateEquals(s.Maps[0]), $"replica {i} differs from replica 0");
                Assert.Equal(s.Maps[0].Tree.Root, s.Maps[i].Tree.Root);
            }
        }, iter: 300);

    [Fact]
    public void Delivering_every_delta_before_the_next_write_behaves_as_one_dictionary() =>
        Gen.Select(OpGen.Array[0, 60], Gen.Int).Sample((ops, seed) =>
        {
            var s = new MapScenario(3, seed);
            var dictionary = new Dictionary<int, int>();
            foreach (var op in ops)
            {
                s.Execute(op);
                s.DeliverAll();
                if (op.IsPut)
                {
                    dictionary[op.Key] = op.Value;
                }
                else
                {
                    dictionary.Remove(op.Key);
                }
            }

            foreach (var map in s.Maps)
            {
                Assert.Equal(dictionary.OrderBy(p => p.Key), map.Read().OrderBy(p => p.Key));
            }
        }, iter: 200);
}

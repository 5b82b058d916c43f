using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using SeqPack;
using SeqPack.Tests.Support;

namespace SeqPack.Tests.Sequences;

/// <summary>A random batch: sequence lengths (1 … 9, ties likely), a feature shape of rank 0 … 2, a layout and a seed for the values.</summary>
public sealed record BatchSpec(int[] Lengths, int[] Features, bool BatchFirst, int Seed)
{
    /// <summary>The sequences (length, *features), standard normal values from <see cref="Seed"/>.</summary>
    public Tensor[] Sequences()
    {
        var rng = new Rng((ulong)Seed);
        return Lengths.Select(l => Tensor.Randn(rng, [l, .. Features])).ToArray();
    }

    public override string ToString() =>
        $"lengths [{string.Join(",", Lengths)}], features ({string.Join(",", Features)}), batchFirst {BatchFirst}, seed {Seed}";
}

/// <summary>FsCheck generators for the packing properties.</summary>
public static class PackingArbitraries
{
    public static Arbitrary<BatchSpec> Batches() =>
        (from batch in Gen.Choose(1, 24)
         from maxLength in Gen.Choose(1, 9)
         from lengths in Gen.Choose(1, maxLength).ArrayOf(batch)
         from rank in Gen.Choose(0, 2)
         from features in Gen.Choose(1, 3).ArrayOf(rank)
         from batchFirst in Gen.Elements(true, false)
         from seed in Gen.Choose(0, 1_000_000)
         select new BatchSpec(lengths, features, batchFirst, seed)).ToArbitrary();
}

/// <summary>Round trips and the meaning of enforceSorted, on random batches.</summary>
public class PackingPropertyTests
{
    private static void Same(Tensor expected, Tensor actual) => TensorAssert.Equal(expected.ToArray(), expected.Shape, actual);

    [Property(Arbitrary = [typeof(PackingArbitraries)], MaxTest = 150)]
    public void UnpackOfPack_ReturnsTheSequences(BatchSpec spec)
    {
        var seqs = spec.Sequences();
        var unpacked = Packing.UnpackSequence(Packing.PackSequence(seqs, enforceSorted: false));
        Assert.Equal(seqs.Length, unpacked.Count);
        for (int i = 0; i < seqs.Length; i++) Same(seqs[i], unpacked[i]);
    }

    [Property(Arbitrary = [typeof(PackingArbitraries)], MaxTest = 150)]
    public void PadOfPackPadded_ReturnsThePaddedBatchAndLengths(BatchSpec spec)
    {
        var seqs = spec.Sequences();
        var padded = Packing.PadSequence(seqs, spec.BatchFirst, paddingValue: -3f);
        var packed = Packing.PackPaddedSequence(padded, spec.Lengths, spec.BatchFirst, enforceSorted: false);
        var (back, lengths) = Packing.PadPackedSequence(packed, spec.BatchFirst, paddingValue: -3f);
        Same(padded, back);
        Assert.Equal(spec.Lengths, lengths);
    }

    [Property(Arbitrary = [typeof(PackingArbitraries)], MaxTest = 150)]
    public void EnforceSortedFalse_EqualsSortingByHandThenPackingSorted(BatchSpec spec)
    {
        var seqs = spec.Sequences();
        var order = Enumerable.Range(0, seqs.Length).OrderByDescending(i => spec.Lengths[i]).ToArray();   // stable
        var byHand = Packing.PackSequence(order.Select(i => seqs[i]).ToArray(), enforceSorted: true);
        var auto = Packing.PackSequence(seqs, enforceSorted: false);

        Same(byHand.Data, auto.Data);
        Assert.Equal(byHand.BatchSizes, auto.BatchSizes);
        Assert.Equal(order, auto.SortedIndices!);
        Assert.Equal(Packing.InvertPermutation(order), auto.UnsortedIndices!);

        // Applying the recorded permutation to the sorted results gives the caller's order back.
        var sortedSeqs = Packing.UnpackSequence(byHand);
        for (int j = 0; j < seqs.Length; j++) Same(seqs[j], sortedSeqs[auto.UnsortedIndices![j]]);
        var (sortedPadded, _) = Packing.PadPackedSequence(byHand, spec.BatchFirst);
        var (autoPadded, _) = Packing.PadPackedSequence(auto, spec.BatchFirst);
        Same(Packing.ApplyPermutation(sortedPadded, auto.UnsortedIndices, dim: spec.BatchFirst ? 0 : 1), autoPadded);
    }

    [Property(Arbitrary = [typeof(PackingArbitraries)], MaxTest = 100)]
    public void UnpadOfPad_ReturnsTheSequences_OnBothPaddingSides(BatchSpec spec)
    {
        var seqs = spec.Sequences();
        var unpadded = Packing.UnpadSequence(Packing.PadSequence(seqs, spec.BatchFirst), spec.Lengths, spec.BatchFirst);
        for (int i = 0; i < seqs.Length; i++) Same(seqs[i], unpadded[i]);

        // Left padding puts sequence i at steps T − length … T − 1.
        int steps = spec.Lengths.Max();
        var left = Packing.PadSequence(seqs, batchFirst: true, paddingSide: PaddingSide.Left);
        for (int i = 0; i < seqs.Length; i++)
            Same(seqs[i], left.Select(0, i).Narrow(0, steps - spec.Lengths[i], spec.Lengths[i]));
    }

    [Property(Arbitrary = [typeof(PackingArbitraries)], MaxTest = 60)]
    public void PackedLayout_IsThePrefixStructureOfTheLengths(BatchSpec spec)
    {
        var packed = Packing.PackSequence(spec.Sequences(), enforceSorted: false);
        var layout = packed.Layout;
        var sortedLengths = spec.Lengths.OrderDescending().ToArray();
        Assert.Equal(sortedLengths, layout.SortedLengths);
        Assert.Equal(spec.Lengths.Sum(), layout.Rows);
        Assert.Equal(sortedLengths[0], layout.Steps);
        for (int t = 0; t < layout.Steps; t++)
        {
            Assert.Equal(sortedLengths.Count(l => l > t), layout.BatchSizes[t]);
            Assert.Equal(layout.BatchSizes.Take(t).Sum(), layout.StepOffsets[t]);
        }
    }
}

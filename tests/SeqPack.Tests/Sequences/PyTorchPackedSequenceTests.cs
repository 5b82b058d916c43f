using SeqPack;
using SeqPack.Tests.Support;

namespace SeqPack.Tests.Sequences;

/// <summary>
/// PyTorch's own packing tests (test/nn/test_packed_sequence.py, class PackedSequenceTest) ported with their
/// literal cases. Where the original draws random sequences, a seeded <see cref="Rng"/> draws them here.
/// </summary>
public class PyTorchPackedSequenceTests
{
    private static Tensor V(params float[] values) => Tensor.FromArray(values, values.Length);

    private static readonly Tensor A = V(1, 2, 3), B = V(4, 5), C = V(6);

    private static void Same(Tensor expected, Tensor actual) => TensorAssert.Equal(expected.ToArray(), expected.Shape, actual);

    /// <summary>Sequences of lengths i² (i = 1 … 9), shape (i², 5, 4 × numDim), in a seeded random order.</summary>
    private static Tensor[] SquareLengthSequences(int numDim, ulong seed, bool descending = false)
    {
        var rng = new Rng(seed);
        var trailing = Enumerable.Repeat(4, numDim);
        var seqs = Enumerable.Range(1, 9).Select(i => Tensor.Uniform(rng, 0f, 1f, [i * i, 5, .. trailing])).ToArray();
        if (descending) return seqs.Reverse().ToArray();
        return Shuffle(seqs, rng);
    }

    private static T[] Shuffle<T>(T[] items, Rng rng)
    {
        var r = (T[])items.Clone();
        for (int i = r.Length - 1; i > 0; i--)
        {
            int j = (int)(rng.NextUniform(0f, 1f) * (i + 1)) % (i + 1);
            (r[i], r[j]) = (r[j], r[i]);
        }
        return r;
    }

    /// <summary>PyTorch's reference pad: the sequence followed by zero rows up to <paramref name="length"/>.</summary>
    private static Tensor PadTo(Tensor seq, int length)
    {
        var shape = seq.Shape;
        shape[0] = length - shape[0];
        return Tensor.Cat([seq, Tensor.Zeros(shape)], 0);
    }

    [Fact]
    public void WrongOrder_EnforceSorted_Throws()
    {
        var a = Tensor.Ones(25, 300);
        var b = Tensor.Ones(22, 300);
        var ba = Packing.PadSequence([b, a]);
        var e = Assert.Throws<ArgumentException>(() => Packing.PackPaddedSequence(ba, [22, 25], enforceSorted: true));
        Assert.Equal("lengths", e.ParamName);
        Assert.Contains("enforceSorted: false", e.Message);
    }

    [Fact]
    public void PadSequence_LiteralCases()
    {
        var expected = Tensor.FromArray([4, 5, 0, 1, 2, 3, 6, 0, 0], 3, 3);
        Same(expected, Packing.PadSequence([B, A, C], batchFirst: true));
        Same(expected.Transpose(0, 1), Packing.PadSequence([B, A, C]));
        Same(Tensor.FromArray([4, 5, 1, 1, 2, 3, 6, 1, 1], 3, 3), Packing.PadSequence([B, A, C], true, 1f));
        Same(Tensor.FromArray([1, 2, 3, 4, 5, 0, 6, 0, 0], 3, 3), Packing.PadSequence([A, B, C], true));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void PadSequence_MoreDimensions_EqualsCatWithZeros(int numDim)
    {
        var seqs = SquareLengthSequences(numDim, 100 + (ulong)numDim);
        var expected = Tensor.Stack(seqs.Select(s => PadTo(s, 81)).ToArray());
        Same(expected, Packing.PadSequence(seqs, batchFirst: true));
        Same(expected.Transpose(0, 1), Packing.PadSequence(seqs));
    }

    [Fact]
    public void UnpadSequence_InvertsPadSequence()
    {
        Tensor[] seqs = [A, B, C];
        foreach (bool batchFirst in new[] { true, false })
        {
            var unpadded = Packing.UnpadSequence(Packing.PadSequence(seqs, batchFirst), [3, 2, 1], batchFirst);
            Assert.Equal(3, unpadded.Count);
            for (int i = 0; i < 3; i++) Same(seqs[i], unpadded[i]);
        }
        for (int numDim = 0; numDim <= 3; numDim++)
            foreach (bool batchFirst in new[] { true, false })
            {
                var more = SquareLengthSequences(numDim, 200 + (ulong)numDim);
                var lengths = more.Select(s => s.Shape[0]).ToArray();
                var unpadded = Packing.UnpadSequence(Packing.PadSequence(more, batchFirst), lengths, batchFirst);
                for (int i = 0; i < more.Length; i++) Same(more[i], unpadded[i]);
            }
    }

    [Fact]
    public void PackSequence_LiteralCases()
    {
        var expected = V(1, 4, 6, 2, 5, 3);
        var packed = Packing.PackSequence([A, B, C], enforceSorted: false);
        Assert.Equal([3, 2, 1], packed.BatchSizes);
        Same(expected, packed.Data);
        Assert.Equal([0, 1, 2], packed.SortedIndices!);
        Assert.Equal([0, 1, 2], packed.UnsortedIndices!);

        var unsorted = Packing.PackSequence([B, C, A], enforceSorted: false);
        Assert.Equal([3, 2, 1], unsorted.BatchSizes);
        Same(expected, unsorted.Data);
        Assert.Equal([2, 0, 1], unsorted.SortedIndices!);
        Assert.Equal([1, 2, 0], unsorted.UnsortedIndices!);

        var enforced = Packing.PackSequence([A, B, C], enforceSorted: true);
        Assert.Equal([3, 2, 1], enforced.BatchSizes);
        Same(expected, enforced.Data);
        Assert.Null(enforced.SortedIndices);
        Assert.Null(enforced.UnsortedIndices);

        var e = Assert.Throws<ArgumentException>(() => Packing.PackSequence([B, C, A], enforceSorted: true));
        Assert.Contains("must be sorted in decreasing order", e.Message);
        Assert.Contains("`enforceSorted: false`", e.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void PackSequence_AgreesWithPadAndPackPadded(int numDim)
    {
        var sorted = SquareLengthSequences(numDim, 300 + (ulong)numDim, descending: true);
        var shuffled = SquareLengthSequences(numDim, 400 + (ulong)numDim);
        foreach (bool batchFirst in new[] { true, false })
        {
            foreach (bool enforceSorted in new[] { true, false })
                Compatibility(sorted, batchFirst, enforceSorted);
            Compatibility(shuffled, batchFirst, enforceSorted: false);
        }

        static void Compatibility(Tensor[] sequences, bool batchFirst, bool enforceSorted)
        {
            var lengths = sequences.Select(s => s.Shape[0]).ToArray();
            var padded = Packing.PadSequence(sequences, batchFirst);
            var packed = Packing.PackSequence(sequences, enforceSorted);
            Same(padded, Packing.PadPackedSequence(packed, batchFirst).Padded);
            var packPadded = Packing.PackPaddedSequence(padded, lengths, batchFirst, enforceSorted);
            Same(packed.Data, packPadded.Data);
            Assert.Equal(packed.BatchSizes, packPadded.BatchSizes);
            Assert.Equal(packed.SortedIndices, packPadded.SortedIndices);
            Assert.Equal(packed.UnsortedIndices, packPadded.UnsortedIndices);
        }
    }

    [Fact]
    public void UnpackSequence_ReturnsTheOriginalSequences()
    {
        Tensor[] seqs = [A, B, C];
        var unpacked = Packing.UnpackSequence(Packing.PackSequence(seqs, enforceSorted: false));
        for (int i = 0; i < 3; i++) Same(seqs[i], unpacked[i]);
        for (int numDim = 0; numDim <= 3; numDim++)
        {
            var more = SquareLengthSequences(numDim, 500 + (ulong)numDim);
            var back = Packing.UnpackSequence(Packing.PackSequence(more, enforceSorted: false));
            Assert.Equal(more.Length, back.Count);
            for (int i = 0; i < more.Length; i++) Same(more[i], back[i]);
        }
    }

    [Fact]
    public void TotalLength_TooShortThrows_LongerPadsWithZeros()
    {
        var seqs = SquareLengthSequences(0, 600, descending: true).Take(5).Select(s => s.Select(1, 0)).ToArray();
        var lengths = seqs.Select(s => s.Shape[0]).ToArray();
        int maxLength = lengths[0];
        var packed = Packing.PackPaddedSequence(Packing.PadSequence(seqs), lengths);
        foreach (int totalLength in new[] { -1, 0, maxLength - 1 })
            foreach (bool batchFirst in new[] { true, false })
            {
                var e = Assert.Throws<ArgumentException>(() => Packing.PadPackedSequence(packed, batchFirst, totalLength: totalLength));
                Assert.Equal("totalLength", e.ParamName);
                Assert.Contains($"totalLength = {totalLength}", e.Message);
            }
        foreach (bool batchFirst in new[] { true, false })
        {
            var noExtraPad = Packing.PadPackedSequence(packed, batchFirst).Padded;
            foreach (int delta in new[] { 0, 1, 8 })
            {
                var (unpacked, lengthsOut) = Packing.PadPackedSequence(packed, batchFirst, totalLength: maxLength + delta);
                Assert.Equal(lengths, lengthsOut);
                Assert.Equal(maxLength + delta, unpacked.Shape[batchFirst ? 1 : 0]);
                var reference = delta == 0 ? noExtraPad
                    : batchFirst ? Tensor.Cat([noExtraPad, Tensor.Zeros(5, delta)], 1)
                    : Tensor.Cat([noExtraPad, Tensor.Zeros(delta, 5)], 0);
                Same(reference, unpacked);
            }
        }
    }

    public static TheoryData<int[], bool, bool> PackPaddedCases()
    {
        var data = new TheoryData<int[], bool, bool>();
        foreach (var (lengths, shuffle) in new[] { (new[] { 10, 8, 4, 2, 2, 2, 1 }, false), ([11, 10, 8, 6, 4, 3, 1], false), ([11, 10, 8, 6, 4, 3, 1], true) })
            foreach (bool batchFirst in new[] { true, false })
                data.Add(lengths, shuffle, batchFirst);
        return data;
    }

    [Theory]
    [MemberData(nameof(PackPaddedCases))]
    public void PackPaddedSequence_DataBatchSizesInverseAndGradient(int[] sortedLengths, bool shuffle, bool batchFirst)
    {
        int maxLength = sortedLengths[0], batch = sortedLengths.Length;
        var batchSizes = Enumerable.Range(1, maxLength).Select(i => sortedLengths.Count(l => l >= i)).ToArray();
        // Column i (1-based) holds i·100 + 1 … 5·l in rows of 5, zero-padded to maxLength: (maxLength, batch, 5).
        var columns = sortedLengths.Select((l, i) =>
            PadTo(Tensor.FromArray(Enumerable.Range(1, 5 * l).Select(v => (float)((i + 1) * 100 + v)).ToArray(), l, 1, 5), maxLength)).ToArray();
        var padded = Tensor.Cat(columns, 1);
        var expectedData = new List<float>();
        for (int n = 0; n < batchSizes.Length; n++)
            for (int i = 0; i < batchSizes[n]; i++)
                for (int k = 1; k <= 5; k++) expectedData.Add(k + (i + 1) * 100 + 5 * n);

        int[]? unsortedIndices = null;
        var lengths = sortedLengths;
        if (shuffle)
        {
            var permutation = Shuffle(Enumerable.Range(0, batch).ToArray(), new Rng(7));
            unsortedIndices = permutation;
            padded = Packing.ApplyPermutation(padded, unsortedIndices, dim: 1);
            lengths = unsortedIndices.Select(j => sortedLengths[j]).ToArray();
        }
        padded = padded.Detach();
        padded.RequiresGrad = true;
        var src = batchFirst ? padded.Transpose(0, 1) : padded;

        var packed = Packing.PackPaddedSequence(src, lengths, batchFirst, enforceSorted: !shuffle);
        TensorAssert.Equal(expectedData.ToArray(), [expectedData.Count / 5, 5], packed.Data);
        Assert.Equal(batchSizes, packed.BatchSizes);
        Assert.Equal(unsortedIndices, packed.UnsortedIndices);

        var (unpacked, unpackedLengths) = Packing.PadPackedSequence(packed, batchFirst);
        Same(src, unpacked);
        Assert.Equal(lengths, unpackedLengths);

        var gradOutput = Tensor.Randn(unpacked.Shape, 11);
        unpacked.Backward(gradOutput);
        var g = batchFirst ? gradOutput.Transpose(0, 1) : gradOutput;   // (maxLength, batch, 5)
        for (int i = 0; i < batch; i++)
            for (int t = 0; t < maxLength; t++)
                for (int k = 0; k < 5; k++)
                    Assert.Equal(t < lengths[i] ? g.At(t, i, k) : 0f, padded.Grad!.At(t, i, k));
    }

    [Fact]
    public void PackPaddedSequence_ErrorMessages()
    {
        var e = Assert.Throws<ArgumentException>(() => Packing.PackPaddedSequence(Tensor.Randn([3, 3], 1), [1, 3, 2]));
        Assert.Contains("`enforceSorted: false`", e.Message);
        e = Assert.Throws<ArgumentException>(() => Packing.PackPaddedSequence(Tensor.Randn([0, 0], 1), []));
        Assert.Contains("empty", e.Message);
        e = Assert.Throws<ArgumentException>(() => Packing.PackPaddedSequence(Tensor.Randn([0, 1, 10], 1), [11, 14, 14, 2], batchFirst: true));
        Assert.Equal("lengths", e.ParamName);
    }
}

using SeqPack;
using SeqPack.Tests.Support;

namespace SeqPack.Tests.Sequences;

/// <summary>
/// What PyTorch 1.13 cannot produce as a fixture (left padding, PyTorch 2.6), the deliberate differences
/// from PyTorch (refusals, an input never modified), finite-difference gradients and the internal helpers
/// the recurrent layers use.
/// </summary>
public class PackingBehaviourTests
{
    private static Tensor V(params float[] values) => Tensor.FromArray(values, values.Length);

    private static void Same(Tensor expected, Tensor actual) => TensorAssert.Equal(expected.ToArray(), expected.Shape, actual);

    // ------------------------------------------------------------------ padding side (derived by hand)

    [Fact]
    public void PadSequence_LeftSide_PutsPaddingBeforeEachSequence()
    {
        Tensor[] seqs = [V(1, 2, 3), V(4, 5), V(6)];
        var batchFirst = Tensor.FromArray([1, 2, 3, 0, 4, 5, 0, 0, 6], 3, 3);
        Same(batchFirst, Packing.PadSequence(seqs, batchFirst: true, paddingSide: PaddingSide.Left));
        Same(batchFirst.Transpose(0, 1), Packing.PadSequence(seqs, paddingSide: PaddingSide.Left));
        Same(Tensor.FromArray([1, 2, 3, 9, 4, 5, 9, 9, 6], 3, 3), Packing.PadSequence(seqs, true, 9f, PaddingSide.Left));
    }

    [Fact]
    public void PadSequence_LeftSide_WithFeatureDimensions()
    {
        // (2, 2) and (1, 2) sequences, time-major result (2, 2, 2): step 0 = [a0, pad], step 1 = [a1, b0].
        var a = Tensor.FromArray([1, 2, 3, 4], 2, 2);
        var b = Tensor.FromArray([5, 6], 1, 2);
        Same(Tensor.FromArray([1, 2, -1, -1, 3, 4, 5, 6], 2, 2, 2), Packing.PadSequence([a, b], paddingValue: -1f, paddingSide: PaddingSide.Left));
    }

    [Fact]
    public void PadSequence_LeftSide_GradientIsTheShiftedRows()
    {
        var a = V(1, 2, 3);
        var b = V(4);
        a.RequiresGrad = b.RequiresGrad = true;
        var padded = Packing.PadSequence([a, b], batchFirst: true, paddingSide: PaddingSide.Left);   // [[1,2,3],[0,0,4]]
        padded.Backward(Tensor.FromArray([10, 20, 30, 40, 50, 60], 2, 3));
        Assert.Equal([10f, 20f, 30f], a.Grad!.ToArray());
        Assert.Equal([60f], b.Grad!.ToArray());
    }

    [Fact]
    public void PadSequence_AcceptsEmptySequencesLikePyTorch()
    {
        Same(Tensor.FromArray([0, 0, 1, 2], 2, 2), Packing.PadSequence([V(), V(1, 2)], batchFirst: true));
        Assert.Equal([1, 0, 2], Packing.PadSequence([Tensor.Zeros(0, 2)], batchFirst: true).Shape);
        var parts = Packing.UnpadSequence(Tensor.Ones(2, 3), [0, 2], batchFirst: true);
        Assert.Equal([0], parts[0].Shape);
        Same(V(1, 1), parts[1]);
    }

    // ------------------------------------------------------------------ differences from PyTorch

    [Fact]
    public void PackPaddedSequence_LengthBeyondTimeDimension_IsRefusedNotTruncated()
    {
        var e = Assert.Throws<ArgumentException>(() => Packing.PackPaddedSequence(Tensor.Ones(3, 2), [5, 2]));
        Assert.Equal("lengths", e.ParamName);
        Assert.Contains("lengths[0] = 5", e.Message);
        Assert.Contains("at most 3", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void UnpadSequence_NeverModifiesItsInput(bool batchFirst)
    {
        var padded = Tensor.Randn([4, 3, 2], 3);
        var before = padded.ToArray();
        _ = Packing.UnpadSequence(padded, batchFirst ? [3, 1, 2, 3] : [4, 2, 1], batchFirst);
        TensorAssert.Equal(before, [4, 3, 2], padded);
    }

    [Fact]
    public void EnforceSortedFalse_TiesKeepBatchOrder_EvenBeyondSixteenSequences()
    {
        var lengths = Enumerable.Range(0, 40).Select(i => 1 + i % 3).ToArray();
        var packed = Packing.PackPaddedSequence(Tensor.Zeros(3, 40), lengths, enforceSorted: false);
        var expected = Enumerable.Range(0, 40).Where(i => i % 3 == 2)
            .Concat(Enumerable.Range(0, 40).Where(i => i % 3 == 1))
            .Concat(Enumerable.Range(0, 40).Where(i => i % 3 == 0)).ToArray();
        Assert.Equal(expected, packed.SortedIndices!);
    }

    // ------------------------------------------------------------------ bad input

    public static TheoryData<string, Action, string, string> BadInputs() => new()
    {
        { "PadSequence empty list", () => Packing.PadSequence([]), "sequences", "is empty" },
        { "PadSequence scalar", () => Packing.PadSequence([Tensor.Scalar(1f)]), "sequences", "scalar" },
        { "PadSequence feature shapes differ", () => Packing.PadSequence([Tensor.Zeros(2, 3), Tensor.Zeros(2, 4)]), "sequences", "(2, 4)" },
        { "PadSequence bad side", () => Packing.PadSequence([V(1)], paddingSide: (PaddingSide)7), "paddingSide", "7" },
        { "PackSequence empty list", () => Packing.PackSequence([]), "sequences", "is empty" },
        { "PackSequence feature shapes differ", () => Packing.PackSequence([Tensor.Zeros(3, 2), Tensor.Zeros(2, 2, 1)]), "sequences", "(2, 2, 1)" },
        { "PackSequence empty sequence", () => Packing.PackSequence([V(1), V()]), "sequences", "sequences[1] is empty" },
        { "PackSequence unsorted", () => Packing.PackSequence([V(1), V(1, 2)]), "sequences", "enforceSorted: false" },
        { "PackPadded rank 1", () => Packing.PackPaddedSequence(V(1, 2), [1]), "input", "(2)" },
        { "PackPadded too few lengths", () => Packing.PackPaddedSequence(Tensor.Zeros(4, 3), [4, 2]), "lengths", "2 lengths were given for a batch of 3" },
        { "PackPadded batchFirst lengths count", () => Packing.PackPaddedSequence(Tensor.Zeros(4, 3), [3, 2, 1], batchFirst: true), "lengths", "batch of 4" },
        { "PackPadded zero length", () => Packing.PackPaddedSequence(Tensor.Zeros(4, 2), [4, 0]), "lengths", "lengths[1] = 0" },
        { "PackPadded negative length", () => Packing.PackPaddedSequence(Tensor.Zeros(4, 2), [-1, -2], enforceSorted: false), "lengths", "lengths[0] = -1" },
        { "PackPadded too long", () => Packing.PackPaddedSequence(Tensor.Zeros(2, 3, 5), [4, 2], batchFirst: true), "lengths", "lengths[0] = 4 is longer than the padded time dimension of input (2, 3, 5) (3 steps)" },
        { "PackPadded unsorted", () => Packing.PackPaddedSequence(Tensor.Zeros(4, 2), [2, 4]), "lengths", "`enforceSorted: false`" },
        { "PackPadded empty batch", () => Packing.PackPaddedSequence(Tensor.Zeros(0, 0), []), "lengths", "empty" },
        { "PadPacked short totalLength", () => Packing.PadPackedSequence(Packing.PackSequence([V(1, 2, 3)]), totalLength: 2), "totalLength", "totalLength = 2" },
        { "Unpad lengths count", () => Packing.UnpadSequence(Tensor.Zeros(3, 2), [1]), "lengths", "1 lengths were given for a batch of 2" },
        { "Unpad negative", () => Packing.UnpadSequence(Tensor.Zeros(3, 2), [1, -1]), "lengths", "lengths[1] = -1" },
        { "Unpad too long", () => Packing.UnpadSequence(Tensor.Zeros(3, 2), [4, 1]), "lengths", "lengths[0] = 4" },
        { "Unpad rank 1", () => Packing.UnpadSequence(V(1, 2), [1]), "padded", "(2)" },
        { "InvertPermutation repeat", () => Packing.InvertPermutation([1, 0, 1]), "permutation", "permutation[2] = 1 repeats" },
        { "InvertPermutation out of range", () => Packing.InvertPermutation([0, 3, 1]), "permutation", "permutation[1] = 3 is outside 0 … 2" },
        { "InvertPermutation negative", () => Packing.InvertPermutation([-1]), "permutation", "permutation[0] = -1" },
        { "PackedSequence empty batch sizes", () => _ = new PackedSequence(Tensor.Zeros(0), []), "batchSizes", "empty" },
        { "PackedSequence increasing batch sizes", () => _ = new PackedSequence(Tensor.Zeros(5), [2, 3]), "batchSizes", "increases from 2 at step 0 to 3" },
        { "PackedSequence zero batch size", () => _ = new PackedSequence(Tensor.Zeros(2), [2, 0]), "batchSizes", "batchSizes[1] = 0" },
        { "PackedSequence rows mismatch", () => _ = new PackedSequence(Tensor.Zeros(4, 2), [2, 1]), "data", "add up to 3 rows" },
        { "PackedSequence index count", () => _ = new PackedSequence(Tensor.Zeros(3), [2, 1], [0, 1, 2]), "sortedIndices", "3 entries but there are 2" },
        { "PackedSequence not a permutation", () => _ = new PackedSequence(Tensor.Zeros(3), [2, 1], [1, 1]), "sortedIndices", "repeats" },
        { "PackedSequence indices not inverse", () => _ = new PackedSequence(Tensor.Zeros(6), [3, 2, 1], [1, 2, 0], [1, 2, 0]), "unsortedIndices", "not the inverse" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void BadInput_ThrowsArgumentExceptionNamingParameterAndValue(string what, Action call, string parameter, string messagePart)
    {
        _ = what;
        var e = Assert.ThrowsAny<ArgumentException>(call);
        Assert.Equal(parameter, e.ParamName);
        Assert.Contains(messagePart, e.Message);
    }

    [Fact]
    public void NullArguments_ThrowArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => Packing.PadSequence(null!));
        Assert.Throws<ArgumentNullException>(() => Packing.PadSequence([V(1), null!]));
        Assert.Throws<ArgumentNullException>(() => Packing.PackPaddedSequence(null!, [1]));
        Assert.Throws<ArgumentNullException>(() => Packing.PackPaddedSequence(Tensor.Zeros(1, 1), null!));
        Assert.Throws<ArgumentNullException>(() => Packing.PadPackedSequence(null!));
        Assert.Throws<ArgumentNullException>(() => Packing.UnpackSequence(null!));
        Assert.Throws<ArgumentNullException>(() => Packing.InvertPermutation(null!));
    }

    // ------------------------------------------------------------------ PackedSequence and InvertPermutation

    [Fact]
    public void InvertPermutation_LiteralCases()
    {
        Assert.Equal([1, 2, 0], Packing.InvertPermutation([2, 0, 1]));
        Assert.Equal([0], Packing.InvertPermutation([0]));
        Assert.Empty(Packing.InvertPermutation([]));
    }

    [Fact]
    public void PackedSequence_ComputesTheMissingIndexList_AndExposesReadOnlyViews()
    {
        var fromSorted = new PackedSequence(Tensor.Zeros(6, 2), [3, 2, 1], [2, 0, 1]);
        Assert.Equal([1, 2, 0], fromSorted.UnsortedIndices!);
        var fromUnsorted = new PackedSequence(Tensor.Zeros(6, 2), [3, 2, 1], unsortedIndices: [1, 2, 0]);
        Assert.Equal([2, 0, 1], fromUnsorted.SortedIndices!);
        Assert.Null(new PackedSequence(Tensor.Zeros(6, 2), [3, 2, 1]).SortedIndices);
        Assert.Null(fromSorted.BatchSizes as int[]);   // not a mutable array behind the interface

        var sizes = new[] { 3, 2, 1 };
        var packed = new PackedSequence(Tensor.Zeros(6), sizes);
        sizes[0] = 7;   // the caller's array is copied
        Assert.Equal([3, 2, 1], packed.BatchSizes);
    }

    // ------------------------------------------------------------------ gradients against finite differences

    [Fact]
    public void PackPaddedSequence_Gradient_MatchesFiniteDifferences() =>
        GradCheck.Check(x => Packing.PackPaddedSequence(x[0], [2, 4, 1], batchFirst: true, enforceSorted: false).Data, [Tensor.Randn([3, 4, 2], 40)]);

    [Fact]
    public void PadPackedSequence_Gradient_MatchesFiniteDifferences() =>
        GradCheck.Check(x => Packing.PadPackedSequence(new PackedSequence(x[0], [3, 2, 1], [1, 2, 0]), totalLength: 4, paddingValue: 2f).Padded, [Tensor.Randn([6, 2], 41)]);

    [Fact]
    public void PadSequence_Gradient_MatchesFiniteDifferences() =>
        GradCheck.Check(x => Packing.PadSequence([x[0], x[1]], paddingSide: PaddingSide.Left), [Tensor.Randn([2, 3], 42), Tensor.Randn([4, 3], 43)]);

    [Fact]
    public void PackSequence_Gradient_MatchesFiniteDifferences() =>
        GradCheck.Check(x => Packing.PackSequence([x[0], x[1]], enforceSorted: false).Data, [Tensor.Randn([2, 3], 44), Tensor.Randn([4, 3], 45)]);

    [Fact]
    public void UnpadAndUnpack_Gradients_MatchFiniteDifferences()
    {
        GradCheck.Check(x => Tensor.Cat(Packing.UnpadSequence(x[0], [1, 3]).ToArray(), 0), [Tensor.Randn([3, 2, 2], 46)]);
        GradCheck.Check(x => Tensor.Cat(Packing.UnpackSequence(new PackedSequence(x[0], [2, 1], [1, 0])).ToArray(), 0), [Tensor.Randn([3, 2], 47)]);
    }

    [Fact]
    public void UnpackSequence_GradientOfSomeOutputsOnly_IsZeroForTheOthers()
    {
        var data = Tensor.Randn([6, 2], 48);
        data.RequiresGrad = true;
        var parts = Packing.UnpackSequence(new PackedSequence(data, [3, 2, 1]));
        parts[1].Sum().Backward();   // sequence 1 = rows 1 and 4
        Assert.Equal([0f, 0, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0], data.Grad!.ToArray());
    }

    [Fact]
    public void NoGradScope_RecordsNothing()
    {
        var x = Tensor.Randn([3, 2], 49);
        x.RequiresGrad = true;
        using (SeqPack.Autograd.NoGrad())
            Assert.False(Packing.PackPaddedSequence(x, [3, 1]).Data.RequiresGrad);
        Assert.True(Packing.PackPaddedSequence(x, [3, 1]).Data.RequiresGrad);
    }

    // ------------------------------------------------------------------ helpers for the recurrent layers

    [Fact]
    public void ApplyPermutation_ReordersTheBatchDimensionAndRoutesGradientsBack()
    {
        // (layers 2, batch 3, hidden 2): entry (l, b, h) = 100 l + 10 b + h.
        var state = Tensor.FromArray(Enumerable.Range(0, 12).Select(i => (float)(100 * (i / 6) + 10 * (i / 2 % 3) + i % 2)).ToArray(), 2, 3, 2);
        state.RequiresGrad = true;
        var sorted = Packing.ApplyPermutation(state, [2, 0, 1]);
        Assert.Equal([20f, 21, 0, 1, 10, 11, 120, 121, 100, 101, 110, 111], sorted.ToArray());
        Same(state, Packing.ApplyPermutation(sorted, Packing.InvertPermutation([2, 0, 1])));
        Assert.Same(state, Packing.ApplyPermutation(state, null));

        sorted.Backward(Tensor.FromArray(Enumerable.Range(0, 12).Select(i => (float)i).ToArray(), 2, 3, 2));
        Assert.Equal([2f, 3, 4, 5, 0, 1, 8, 9, 10, 11, 6, 7], state.Grad!.ToArray());

        var e = Assert.Throws<ArgumentException>(() => Packing.ApplyPermutation(state, [1, 0]));
        Assert.Equal("permutation", e.ParamName);
    }

    [Fact]
    public void PackedLayout_RowsOfEachStepAreAPrefixOfTheSortedBatch()
    {
        var packed = Packing.PackSequence([V(1, 2), V(3, 4, 5, 6), V(7)], enforceSorted: false);
        var layout = packed.Layout;
        Assert.Equal([3, 2, 1, 1], layout.BatchSizes);
        Assert.Equal([0, 3, 5, 6, 7], layout.StepOffsets);
        Assert.Equal([4, 2, 1], layout.SortedLengths);
        Assert.Equal((4, 3, 7), (layout.Steps, layout.Batch, layout.Rows));
        Assert.Equal(4, layout.Row(1, 1));
        Assert.Equal(4f, packed.Data.At(layout.Row(1, 0)));   // step 1 of the longest sequence [3, 4, 5, 6]

        var replaced = packed.WithData(Tensor.Zeros(7, 5));
        Assert.Equal([7, 5], replaced.Data.Shape);
        Assert.Equal(packed.SortedIndices, replaced.SortedIndices);
        Assert.Throws<ArgumentException>(() => packed.WithData(Tensor.Zeros(6, 5)));
    }
}

using SeqPack;

namespace SeqPack.Tests.Ops;

/// <summary>Argument checks of the new ops (each error names the parameter and the values), and mask behaviour.</summary>
public class OpsBehaviourTests
{
    private static readonly Tensor X = Tensor.Randn([2, 3], 1);

    [Fact]
    public void Permute_RepeatedDimension_NamesDims()
    {
        var e = Assert.Throws<ArgumentException>(() => X.Permute(0, 0));
        Assert.Equal("dims", e.ParamName);
        Assert.Contains("dimension 0 appears twice", e.Message);
    }

    [Fact]
    public void Permute_WrongCount_NamesDims() =>
        Assert.Contains("rank 2", Assert.Throws<ArgumentException>(() => X.Permute(1, 0, 2)).Message);

    [Fact]
    public void Expand_NonSingletonGrows_NamesSizesAndShape()
    {
        var e = Assert.Throws<ArgumentException>(() => X.Expand(4, 3));
        Assert.Equal("sizes", e.ParamName);
        Assert.Contains("(2, 3)", e.Message);
    }

    [Fact]
    public void Expand_MinusOneForNewDimension_Throws() =>
        Assert.Equal("sizes", Assert.Throws<ArgumentException>(() => X.Expand(-1, 2, 3)).ParamName);

    [Fact]
    public void Unsqueeze_OutOfRange_NamesDim() =>
        Assert.Equal("dim", Assert.Throws<ArgumentOutOfRangeException>(() => X.Unsqueeze(4)).ParamName);

    [Fact]
    public void Squeeze_DimOfExtentAboveOne_LeavesShape() => Assert.Equal(new[] { 2, 3 }, X.Squeeze(1).Shape);

    [Fact]
    public void Gather_IndexNotWhole_NamesIndexAndValue()
    {
        var e = Assert.Throws<ArgumentException>(() => X.Gather(1, Tensor.FromArray([0.5f, 1f], 2, 1)));
        Assert.Equal("index", e.ParamName);
        Assert.Contains("0.5", e.Message);
    }

    [Fact]
    public void Gather_IndexOutOfRange_Throws() =>
        Assert.Contains("[0, 3)", Assert.Throws<ArgumentException>(() => X.Gather(1, Tensor.FromArray([3f, 1f], 2, 1))).Message);

    [Fact]
    public void IndexSelect_OutOfRange_NamesPosition() =>
        Assert.Contains("index[1] = 5", Assert.Throws<ArgumentException>(() => X.IndexSelect(1, [0, 5])).Message);

    [Fact]
    public void MaxByDim_EmptyDimension_Throws() =>
        Assert.Equal("dim", Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, 0).Max(1)).ParamName);

    [Fact]
    public void MaxByDim_NaN_IsSelected()
    {
        var (values, indices) = Tensor.FromArray([1f, float.NaN, 3f], 1, 3).Max(1);
        Assert.True(float.IsNaN(values.Item()));
        Assert.Equal(1f, indices.Item());
    }

    [Fact]
    public void MaskedFill_MaskNotBroadcastingToTensor_NamesMask()
    {
        var e = Assert.Throws<ArgumentException>(() => X.MaskedFill(Mask.FromArray([true, false], 2, 1, 1), 0f));
        Assert.Equal("mask", e.ParamName);
    }

    [Fact]
    public void Where_ShapesThatDoNotBroadcast_Throw() =>
        Assert.Contains("cannot be broadcast", Assert.Throws<ArgumentException>(() =>
            Tensor.Where(Mask.FromArray([true, false, true, false]), X, X)).Message);

    [Fact]
    public void Clamp_NoBound_NamesMin() =>
        Assert.Equal("min", Assert.Throws<ArgumentException>(() => X.Clamp()).ParamName);

    [Fact]
    public void LengthMask_MaxLengthBelowLongest_NamesBoth()
    {
        var e = Assert.Throws<ArgumentException>(() => Packing.LengthMask([2, 5], maxLength: 4));
        Assert.Equal("maxLength", e.ParamName);
        Assert.Contains("longest length 5", e.Message);
    }

    [Fact]
    public void LengthMask_NegativeLength_NamesIt() =>
        Assert.Contains("lengths[1] = -1", Assert.Throws<ArgumentException>(() => Packing.LengthMask([2, -1])).Message);

    [Fact]
    public void Mask_LogicOperators_Broadcast()
    {
        var a = Mask.FromArray([true, false], 2, 1);
        var b = Mask.FromArray([true, false, true], 3);
        Assert.Equal(new[] { true, false, true, false, false, false }, (a & b).ToArray());
        Assert.Equal(new[] { true, true, true, true, false, true }, (a | b).ToArray());
        Assert.Equal(new[] { false, true }, (!a).ToArray());
        Assert.Equal(new[] { 2, 3 }, (a & b).Shape);
        Assert.Equal(new[] { 1f, 0f }, a.ToTensor().ToArray());
        Assert.Equal(1, a.CountTrue());
    }

    [Fact]
    public void AttentionMaskedBySourceLengths_GivesZeroWeightToPadding()
    {
        // scores (N, 1, S) masked with the padded positions of each source, then a softmax over S.
        var scores = Tensor.Randn([2, 1, 4], 3);
        var padding = Packing.LengthMask([4, 2], batchFirst: true).Not().Unsqueeze(1);
        var weights = scores.MaskedFill(padding, float.NegativeInfinity).Softmax(-1).ToArray();
        Assert.Equal(0f, weights[6]);
        Assert.Equal(0f, weights[7]);
        Assert.Equal(1f, weights[4] + weights[5], 5);
        Assert.Equal(1f, weights[0] + weights[1] + weights[2] + weights[3], 5);
    }
}

using SeqPack;
using SeqPack.Nn;

namespace SeqPack.Tests.Nn;

/// <summary>Embedding straight into packed batches agrees with embedding each sequence and packing the results.</summary>
public class EmbeddingPackedTests
{
    private static readonly int[][] Batch = [[3, 1], [4, 0, 2, 2], [5], [1, 6, 6, 0]];

    private static PackedSequence ViaPacking(Embedding emb, bool enforceSorted) =>
        Packing.PackSequence(Batch.Select(s => emb.Forward(s)).ToList(), enforceSorted);

    [Fact]
    public void ForwardPacked_EqualsPackingEachEmbeddedSequence_IncludingGradient()
    {
        var emb = new Embedding(7, 3, paddingIdx: 0, rng: new Rng(5));
        var expected = ViaPacking(emb, enforceSorted: false);
        var upstream = Tensor.Randn(expected.Data.Shape, 9);
        expected.Data.Backward(upstream);
        var expectedGrad = emb.Weight.Grad!.ToArray();
        emb.Weight.ZeroGrad();

        var packed = emb.ForwardPacked(Batch, enforceSorted: false);
        Assert.Equal(expected.BatchSizes, packed.BatchSizes);
        Assert.Equal(expected.SortedIndices, packed.SortedIndices);
        Assert.Equal(expected.UnsortedIndices, packed.UnsortedIndices);
        Assert.Equal(expected.Data.Shape, packed.Data.Shape);
        Assert.Equal(expected.Data.ToArray(), packed.Data.ToArray());
        packed.Data.Backward(upstream);
        Assert.Equal(expectedGrad, emb.Weight.Grad!.ToArray());
        Assert.All(emb.Weight.Grad!.ToArray().Take(3), v => Assert.Equal(0f, v));   // padding row
    }

    [Fact]
    public void Forward_OfPackedFloatIds_KeepsTheStructure()
    {
        var emb = new Embedding(7, 2, rng: new Rng(6));
        var ids = Packing.PackSequence(Batch.Select(s => Tensor.FromArray(s.Select(v => (float)v).ToArray(), s.Length)).ToList(), enforceSorted: false);
        var packed = emb.Forward(ids);
        var expected = ViaPacking(emb, enforceSorted: false);
        Assert.Equal(expected.BatchSizes, packed.BatchSizes);
        Assert.Equal(expected.SortedIndices, packed.SortedIndices);
        Assert.Equal(expected.Data.ToArray(), packed.Data.ToArray());
    }

    [Fact]
    public void Forward_OfPackedIdsWithBatchSizes_BuildsThePackedSequence()
    {
        var emb = new Embedding(7, 2, rng: new Rng(7));
        var sorted = emb.ForwardPacked([[1, 2, 3], [4, 5], [6]]);
        var direct = emb.ForwardPacked([1, 4, 6, 2, 5, 3], [3, 2, 1]);
        Assert.Equal(new[] { 3, 2, 1 }, direct.BatchSizes);
        Assert.Null(direct.SortedIndices);
        Assert.Equal(sorted.Data.ToArray(), direct.Data.ToArray());
    }

    [Fact]
    public void BadInput_ThrowsArgumentException()
    {
        var emb = new Embedding(7, 2);
        Assert.Throws<ArgumentException>(() => emb.ForwardPacked([[1], [1, 2]]));                  // unsorted with enforceSorted
        Assert.Throws<ArgumentException>(() => emb.ForwardPacked([[1, 2], []], enforceSorted: false));
        Assert.Throws<ArgumentException>(() => emb.ForwardPacked([[1, 9]]));
        Assert.Throws<ArgumentException>(() => emb.ForwardPacked([1, 2, 3], [2, 2]));                     // rows do not match batch sizes
        var ids = Packing.PackSequence([Tensor.FromArray([1.5f], 1)]);
        Assert.Throws<ArgumentException>(() => emb.Forward(ids));
    }
}

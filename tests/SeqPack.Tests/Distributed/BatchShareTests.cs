using FsCheck;
using FsCheck.Fluent;
using SeqPack.Distributed;
using SeqPack.Models;
using SeqPack.Nn;

namespace SeqPack.Tests.Distributed;

/// <summary>Where a rank's share of a global batch sits in the global batch, and the dropout masks cut to it.</summary>
public class BatchShareTests
{
    /// <summary>Every step of every sequence as a distinct token 1000·sequence + step, packed as the model packs ids.</summary>
    private static int[] PackedTokens(IReadOnlyList<int> lengths, IReadOnlyList<int> positions) =>
        PackedBatch.Of(positions.Select(i => lengths[i]).ToArray())
            .Pack<int>(positions.Select(i => Enumerable.Range(0, lengths[i]).Select(t => 1000 * i + t).ToArray()).ToArray());

    [Fact]
    public void Of_KnownBatch_MapsSequencesAndPackedRows()
    {
        // Global lengths [3, 1, 2]: sorted 0, 2, 1; rows step 0: (0,0) (2,0) (1,0), step 1: (0,1) (2,1), step 2: (0,2).
        var share = BatchShare.Of([3, 1, 2], [1, 2]);
        // Share [1, 2] has lengths [1, 2]: sorted 2, 1; rows (2,0) (1,0) (2,1) → global rows 1, 2, 4.
        Assert.Equal([1, 2], share.Sequences.Global);
        Assert.Equal([1, 2, 4], share.PackedRows.Global);
        Assert.Equal(6, share.PackedRows.GlobalCount);
        Assert.Equal([-1, 0, 1, -1, 2, -1], share.PackedRows.LocalOf);
        Assert.Equal([-1, 0, 1], share.Sequences.LocalOf);
    }

    [FsCheck.Xunit.Property(MaxTest = 200)]
    public Property Of_EveryLocalRowHoldsTheTokenOfItsGlobalRow_SharesCoverEachRowOnce(PositiveInt[] raw, PositiveInt parts)
    {
        var lengths = raw.Select(x => x.Get % 12 + 1).ToArray();
        if (lengths.Length == 0) return true.ToProperty();
        int ranks = parts.Get % 4 + 1;
        var global = PackedTokens(lengths, Enumerable.Range(0, lengths.Length).ToArray());
        var covered = new int[global.Length];
        bool matches = true;
        foreach (var positions in BatchSharding.Split(lengths, ranks).Where(p => p.Length > 0))
        {
            var share = BatchShare.Of(lengths, positions);
            var local = PackedTokens(lengths, positions);
            matches &= share.PackedRows.Global.Length == local.Length && share.PackedRows.GlobalCount == global.Length;
            for (int r = 0; r < local.Length && matches; r++)
            {
                matches &= global[share.PackedRows.Global[r]] == local[r] && share.PackedRows.LocalOf[share.PackedRows.Global[r]] == r;
                covered[share.PackedRows.Global[r]]++;
            }
            matches &= share.Sequences.Global.SequenceEqual(positions);
        }
        return (matches && covered.All(c => c == 1)).ToProperty();
    }

    [Fact]
    public void DropoutApply_SharesOfTheRows_GetTheirRowsOfTheGlobalMaskAndAdvanceTheGeneratorAlike()
    {
        var x = Tensor.Ones(9, 5);                                             // 9 global rows of 5
        var whole = Dropout.Apply(x, 0.4f, new Rng(7)).ToArray();
        var wholeRng = new Rng(7);
        Dropout.Apply(x, 0.4f, wholeRng);
        int[][] shares = [[0, 3, 4, 8], [7, 1, 2, 6, 5]];                      // any order within a share
        foreach (var rows in shares)
        {
            var rng = new Rng(7);
            var part = Dropout.Apply(Tensor.Ones(rows.Length, 5), 0.4f, rng, new ShareRows(9, rows)).ToArray();
            for (int i = 0; i < rows.Length; i++)
                Assert.Equal(whole.AsSpan(rows[i] * 5, 5).ToArray(), part.AsSpan(i * 5, 5).ToArray());
            Assert.Equal(wholeRng.GetState(), rng.GetState());
        }
    }

    [Theory]
    [InlineData(ClassifierPooling.FinalStateAndMax)]
    [InlineData(ClassifierPooling.MeanAndMax)]
    public void PooledClassifier_InTraining_SharesGiveTheirRowsOfTheWholeBatchsLogits(ClassifierPooling pooling)
    {
        int[][] batch = [[1, 2, 3], [4], [5, 6, 7, 8, 9], [2, 2], [3, 1, 4, 1]];
        var lengths = batch.Select(s => s.Length).ToArray();
        SequenceClassifier Fresh() => new(12, 3, embeddingDim: 4, hiddenSize: 3, dropout: 0.3f, seed: 5, pooling: pooling);
        var whole = Fresh().Forward(batch).ToArray();                          // training mode: dropout on
        foreach (int[] positions in new[] { new[] { 0, 2 }, new[] { 1, 3, 4 } })
        {
            var local = Fresh().Forward(positions.Select(i => batch[i]).ToArray(), BatchShare.Of(lengths, positions)).ToArray();
            for (int k = 0; k < positions.Length; k++)
                Assert.Equal(whole[(positions[k] * 3)..(positions[k] * 3 + 3)], local[(k * 3)..(k * 3 + 3)]);
        }
    }

    [Fact]
    public void DropoutApply_ShareOfOtherRowCount_ThrowsNamingBoth()
    {
        var e = Assert.Throws<ArgumentException>(() => Dropout.Apply(Tensor.Ones(3, 2), 0.5f, new Rng(1), new ShareRows(5, [0, 4])));
        Assert.Contains("(3, 2)", e.Message);
        Assert.Contains("2 rows", e.Message);
    }
}

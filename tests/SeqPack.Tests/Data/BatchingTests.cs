using SeqPack.Data;

namespace SeqPack.Tests.Data;

public class BatchingTests
{
    private static int[] Lengths(int n, ulong seed)
    {
        var rng = new Rng(seed);
        return Enumerable.Range(0, n).Select(_ => 1 + rng.NextInt(200)).ToArray();
    }

    [Fact]
    public void Bucketed_CoversEveryIndexOnce_AndRespectsBatchSize()
    {
        var lengths = Lengths(1000, 1);
        var batches = new LengthBatcher(32, PoolBatches: 10).Bucketed(lengths, new Rng(7));
        Assert.Equal(Enumerable.Range(0, 1000), batches.SelectMany(b => b).Order());
        Assert.All(batches, b => Assert.InRange(b.Length, 1, 32));
    }

    [Fact]
    public void Bucketed_WastesFarLessPaddingThanRandom()
    {
        var lengths = Lengths(2000, 2);
        var batcher = new LengthBatcher(32, PoolBatches: 20);
        var random = PaddingReport.Of(lengths, batcher.Random(lengths, new Rng(3)));
        var bucketed = PaddingReport.Of(lengths, batcher.Bucketed(lengths, new Rng(3)));
        Assert.Equal(random.RealSteps, bucketed.RealSteps);
        Assert.True(random.WasteFraction > 0.3, $"random waste {random.WasteFraction}");
        Assert.True(bucketed.WasteFraction < 0.1, $"bucketed waste {bucketed.WasteFraction}");
    }

    [Fact]
    public void Bucketed_SameSeedSameBatches_DifferentSeedDifferentOrder()
    {
        var lengths = Lengths(300, 4);
        var batcher = new LengthBatcher(16);
        var a = batcher.Bucketed(lengths, new Rng(5));
        var b = batcher.Bucketed(lengths, new Rng(5));
        var c = batcher.Bucketed(lengths, new Rng(6));
        Assert.Equal(a, b);
        Assert.NotEqual(a.SelectMany(x => x), c.SelectMany(x => x));
    }

    [Fact]
    public void TokenBudget_ClosesBatchesBeforeTheBudget_ExceptSingleLongExamples()
    {
        int[] lengths = [5, 5, 5, 12, 3, 3];
        var batches = new LengthBatcher(10, TokenBudget: 10).Sequential(lengths);
        Assert.Equal([[0, 1], [2], [3], [4, 5]], batches);
    }

    [Fact]
    public void PaddingReport_CountsAndFormats()
    {
        int[] lengths = [1, 3, 2, 2];
        var report = PaddingReport.Of(lengths, [[0, 1], [2, 3]]);
        Assert.Equal(8, report.RealSteps);
        Assert.Equal(6 + 4, report.PaddedSteps);
        Assert.Equal("packing skipped 20% of 10 padded steps", report.ToString());
        Assert.Equal("1.2 M", PaddingReport.Human(1_234_567));
    }
}

using SeqPack.Data;
using SeqPack.Training;

namespace SeqPack.Tests.Cli;

public class TrainingPartsTests
{
    [Fact]
    public void Splits_AreStratifiedDisjointAndSeeded()
    {
        var strata = Enumerable.Range(0, 1000).Select(i => i < 900 ? 0 : 1).ToArray();   // 90% / 10%
        var (train, dev, test) = Splits.Cut(1000, strata, 0.1, 0.2, seed: 9);
        Assert.Equal(Enumerable.Range(0, 1000), train.Concat(dev).Concat(test).Order());
        Assert.Equal(100, dev.Length);
        Assert.Equal(200, test.Length);
        Assert.Equal(10, dev.Count(i => strata[i] == 1));       // each class keeps its share
        Assert.Equal(20, test.Count(i => strata[i] == 1));
        Assert.Equal(test, Splits.Cut(1000, strata, 0.1, 0.2, seed: 9).Test);
        Assert.NotEqual(test, Splits.Cut(1000, strata, 0.1, 0.2, seed: 10).Test);
    }

    [Fact]
    public void ClassMetrics_MatchHandComputedValues()
    {
        // gold:      0 0 0 1 1 2
        // predicted: 0 0 1 1 2 2
        var m = new ClassMetrics(3, [0, 0, 0, 1, 1, 2], [0, 0, 1, 1, 2, 2]);
        Assert.Equal(4.0 / 6, m.Accuracy, 12);
        Assert.Equal(2 * 1.0 * (2.0 / 3) / (1 + 2.0 / 3), m.F1[0], 12);   // P 1, R 2/3
        Assert.Equal(0.5, m.F1[1], 12);                                    // P 1/2, R 1/2
        Assert.Equal(2 * 0.5 * 1 / 1.5, m.F1[2], 12);                      // P 1/2, R 1
        Assert.Equal((m.F1[0] + m.F1[1] + m.F1[2]) / 3, m.MacroF1, 12);
        Assert.Equal(1, m.Confusion[0, 1]);
        Assert.Equal(1, m.Confusion[1, 2]);
    }

    [Fact]
    public void TextEncoder_FeaturesAreWordSuffixAndShape()
    {
        Assert.Equal(["w:running", "s:ing", "h:Xx"], TextEncoder.Units("Running", features: true, lowercase: true));
        Assert.Equal("d.d", TextEncoder.Shape("3.14"));
        Assert.Equal(["a"], TextEncoder.Units("a", features: false, lowercase: false));
    }
}

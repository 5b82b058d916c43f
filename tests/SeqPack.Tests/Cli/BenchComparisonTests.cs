using SeqPack.Cli.Commands;
using SeqPack.Benchmarking;
using SeqPack.Kernels;

namespace SeqPack.Tests.Cli;

public class BenchComparisonTests
{
    private static BenchRecord R(string impl, string workload, string mode, string layout, double ms, int threads = 2) =>
        new(impl, workload, mode, layout, threads, 1000, 3000, ms, ms, 1000 / ms * 1000);

    [Fact]
    public void Join_PairsSameKeyAndPeersFastestLayout()
    {
        var ours = new[] { R("s", "lstm-m", "train", "packed", 100), R("s", "lstm-m", "train", "padded", 250) };
        var peer = new[]
        {
            R("p", "lstm-m", "train", "padded", 500), R("p", "lstm-m", "train", "packed", 4000),
            R("p", "lstm-m", "infer", "padded", 50),                          // other mode: never the best
            R("p", "lstm-m", "train", "padded", 1, threads: 1),               // other thread count: ignored
        };
        var c = BenchComparison.Join(ours, peer);

        Assert.Equal(4000, c[0].SameLayout!.MedianMs);
        Assert.Equal(40.0, c[0].SpeedupSameLayout);
        Assert.Equal("padded", c[0].PeerBest!.Layout);
        Assert.Equal(5.0, c[0].SpeedupVsPeerBest);
        Assert.Equal(2.0, c[1].SpeedupSameLayout);
        Assert.Equal(2.0, c[1].SpeedupVsPeerBest);
    }

    [Fact]
    public void Join_LaterPeerLineForTheSameKeyWins()
    {
        var c = BenchComparison.Join([R("s", "gru-m", "infer", "packed", 10)],
            [R("p", "gru-m", "infer", "packed", 100), R("p", "gru-m", "infer", "packed", 30)]);
        Assert.Equal(3.0, c[0].SpeedupSameLayout);
    }

    [Fact]
    public void Join_WithoutPeerLine_LeavesRatiosEmpty()
    {
        var c = BenchComparison.Join([R("s", "lstm-s", "train", "packed", 10)], [R("p", "lstm-m", "train", "packed", 30)]);
        Assert.Null(c[0].SameLayout);
        Assert.Null(c[0].SpeedupSameLayout);
        Assert.Null(c[0].SpeedupVsPeerBest);
    }

    [Fact]
    public void PackingGains_CompareOwnLayoutsWithThePaddingRatio()
    {
        BenchMeasurement M(string layout, double ms) => new(R("s", "lstm-m", "train", layout, ms), 1, 0, 0);
        var gains = BenchReport.PackingGains([M("padded", 300), M("packed", 110), M("packed", 1)]);
        var g = Assert.Single(gains);
        Assert.Equal(300 / 110.0, g.Speedup, 12);
        Assert.Equal(3.0, g.PaddingRatio);
        Assert.True(g.MeetsTarget);                                           // 2.73 >= 0.8 * 3
        Assert.False(BenchReport.PackingGains([M("padded", 300), M("packed", 130)])[0].MeetsTarget);   // 2.31 < 2.4
    }

    [Theory]
    [InlineData(186.1, 188.4, false)]   // the usual spread
    [InlineData(171.4, 177.0, false)]
    [InlineData(97.6, 188.4, true)]     // the host ran both threads on one core for the first measurement
    [InlineData(190.0, 150.0, true)]
    public void PeakNote_WarnsWhenTheTwoPeakMeasurementsDisagree(double before, double after, bool warns)
    {
        var note = BenchReport.PeakNote([before, after], 2);
        Assert.Equal(warns, note is not null);
        if (warns) Assert.Contains("Repeat the run", note);
        Assert.Null(BenchReport.PeakNote(null, 2));
        Assert.Null(BenchReport.PeakNote([before], 2));
    }

    [Theory]
    [InlineData(97.5, 97.9, 2, 2, true)]      // both threads on one core for the whole measurement (seen here)
    [InlineData(147.2, 94.2, 2, 2, true)]     // one vCPU shared part of the time
    [InlineData(185.1, 95.3, 2, 2, false)]    // the usual reading: 1.94 times the 1-thread figure
    [InlineData(190.0, 97.0, 4, 2, false)]    // four threads on two processors: two cores' worth is all there is
    [InlineData(97.0, 97.0, 1, 2, false)]     // one thread: nothing to compare
    public void ConcurrencyNote_WarnsWhenThePeakThreadsSharedACore(double peak, double one, int threads, int processors, bool warns)
    {
        var p = new FmaPeakResult(threads, 256, peak);
        var p1 = new FmaPeakResult(1, 256, one);
        Assert.Equal(warns, BenchReport.BelowConcurrent(p, p1, processors));
        var note = BenchReport.ConcurrencyNote(p1, p, processors);
        Assert.Equal(warns, note is not null);
        if (warns) Assert.Contains("overstates", note);
        Assert.Null(BenchReport.ConcurrencyNote(null, p, processors));
    }
}

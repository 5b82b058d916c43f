using SeqPack.Benchmarking;
using SeqPack.Kernels;

namespace SeqPack.Tests.Kernels;

public class FmaPeakTests
{
    [Fact]
    public void Measure_ReturnsAFiniteRateForTheWidestAcceleratedVector()
    {
        var r = FmaPeak.Measure(threads: 2, seconds: 0.005, repeats: 1);
        Assert.Equal(2, r.Threads);
        Assert.Contains(r.VectorBits, new[] { 128, 256, 512 });
        Assert.Equal(FmaPeak.VectorBits, r.VectorBits);
        Assert.True(double.IsFinite(r.GflopsPerSecond) && r.GflopsPerSecond > 0, $"{r.GflopsPerSecond} GFLOP/s");
    }

    [Theory]
    [InlineData(0, 0.1, 1, "threads")]
    [InlineData(1, 0.0, 1, "seconds")]
    [InlineData(1, double.NaN, 1, "seconds")]
    [InlineData(1, 0.1, 0, "repeats")]
    public void Measure_RejectsBadArguments(int threads, double seconds, int repeats, string parameter)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => FmaPeak.Measure(threads, seconds, repeats));
        Assert.Equal(parameter, e.ParamName);
    }
}

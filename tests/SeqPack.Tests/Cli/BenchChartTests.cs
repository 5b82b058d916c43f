using SeqPack.Cli.Commands;

namespace SeqPack.Tests.Cli;

public class BenchChartTests
{
    private static BenchRecord R(string impl, string workload, string mode, string layout, double tokensPerSecond, int threads = 2) =>
        new(impl, workload, mode, layout, threads, 1000, 3000, 1e6 / tokensPerSecond, 1e6 / tokensPerSecond, tokensPerSecond);

    [Fact]
    public void SeriesOf_HasBothImplementationsAndOnlyTheLayoutsPresent()
    {
        var ours = new[] { R("seqpack-0.1.0", "lstm-m", "train", "packed", 5e4), R("seqpack-0.1.0", "lstm-m", "train", "padded", 2e4) };
        var peer = new[] { R("pytorch-2.10.0.0", "lstm-m", "train", "padded", 1700) };
        Assert.Equal(["SeqPack padded", "SeqPack packed", "PyTorch padded"], BenchChart.SeriesOf(ours, peer).Select(s => s.Label));
        Assert.Equal(["SeqPack packed"], BenchChart.SeriesOf([ours[0]], []).Select(s => s.Label));
    }

    [Fact]
    public void Write_ProducesAPng()
    {
        string path = Path.Combine(Path.GetTempPath(), $"seqpack-chart-{Guid.NewGuid():N}.png");
        try
        {
            var ours = new[]
            {
                R("seqpack-0.1.0", "lstm-s", "train", "padded", 3e4), R("seqpack-0.1.0", "lstm-s", "train", "packed", 8e4),
                R("seqpack-0.1.0", "lstm-s", "infer", "packed", 4e5),
            };
            var peer = new[]
            {
                R("pytorch-2.10.0.0", "lstm-s", "train", "padded", 2e4),
                R("pytorch-2.10.0.0", "lstm-m", "train", "padded", 2e4),              // workload not run: left out
                R("pytorch-2.10.0.0", "lstm-s", "train", "packed", 5e3, threads: 1),   // other threads: left out
            };
            BenchChart.Write(path, ours, peer);
            var bytes = File.ReadAllBytes(path);
            Assert.True(bytes.Length > 1000, $"PNG of {bytes.Length} bytes");
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
        }
        finally { File.Delete(path); }
    }
}

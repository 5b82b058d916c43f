using SeqPack.Cli.Commands;

namespace SeqPack.Tests.Cli;

public class BenchWorkloadTests
{
    // The peer's own formula, copied from shared/peer/Bench.cs (Lengths), to check ours against it verbatim.
    private static long[] PeerLengths(int batch, int min, int max) =>
        Enumerable.Range(0, batch).Select(i =>
        {
            double u = ((i * 37) % batch) / (double)batch;
            return min + (long)Math.Floor((max - min) * u * u);
        }).ToArray();

    [Theory]
    [InlineData(32)]
    [InlineData(64)]
    [InlineData(1)]
    [InlineData(37)]
    [InlineData(100)]
    public void Lengths_EqualThePeersFormula(int batch)
    {
        var ours = BenchWorkload.Lengths(batch, 8, 400);
        Assert.Equal(PeerLengths(batch, 8, 400), ours.Select(l => (long)l).ToArray());
    }

    // Token counts printed by shared/peer/run.sh (PyTorch) on this machine, docs/bench/pytorch.jsonl.
    [Theory]
    [InlineData("lstm-s", 4231, 12000)]
    [InlineData("lstm-m", 8649, 24768)]
    [InlineData("gru-m", 8649, 24768)]
    [InlineData("bilstm-2", 8649, 24768)]
    public void Lengths_GiveThePeersTokenCounts(string name, long tokens, long paddedTokens)
    {
        var w = BenchWorkload.Find(name)!;
        var lengths = w.Lengths();
        Assert.Equal(tokens, lengths.Sum());
        Assert.Equal(paddedTokens, (long)w.Batch * lengths.Max());
    }

    [Fact]
    public void Lengths_AreUnsortedWithinBounds()
    {
        var lengths = BenchWorkload.Lengths(64, 8, 400);
        Assert.All(lengths, l => Assert.InRange(l, 8, 399));
        Assert.Equal(8, lengths[0]);                                   // u = 0 for i = 0
        Assert.NotEqual(lengths.Order().ToArray(), lengths);
        Assert.NotEqual(lengths.OrderDescending().ToArray(), lengths);
    }

    [Fact]
    public void Flops_FollowTheGemmFormulaPerLayerAndDirection()
    {
        var lstmM = BenchWorkload.Find("lstm-m")!;
        Assert.Equal(24.0 * 512 * (256 + 512) * 1000, lstmM.Flops(1000, train: true));
        Assert.Equal(8.0 * 512 * (256 + 512) * 1000, lstmM.Flops(1000, train: false));

        var gruM = BenchWorkload.Find("gru-m")!;
        Assert.Equal(18.0 * 512 * 768 * 10, gruM.Flops(10, train: true));
        Assert.Equal(6.0 * 512 * 768 * 10, gruM.Flops(10, train: false));

        // Two directions in each layer; the second layer reads both directions' outputs (2·H = 512 inputs).
        var bi = BenchWorkload.Find("bilstm-2")!;
        double expected = 2 * 8.0 * 256 * (128 + 256) * 7 + 2 * 8.0 * 256 * (512 + 256) * 7;
        Assert.Equal(expected, bi.Flops(7, train: false));
    }

    [Fact]
    public void All_MatchThePeersTable()
    {
        Assert.Equal(["lstm-s", "lstm-m", "gru-m", "bilstm-2"], BenchWorkload.All.Select(w => w.Name));
        var bi = BenchWorkload.Find("bilstm-2")!;
        Assert.Equal((BenchCell.Lstm, 2, true, 128, 256, 64), (bi.Cell, bi.Layers, bi.Bidirectional, bi.InputSize, bi.HiddenSize, bi.Batch));
        Assert.Null(BenchWorkload.Find("lstm-xl"));
    }
}

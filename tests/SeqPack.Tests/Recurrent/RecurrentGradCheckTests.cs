using SeqPack.Nn;
using SeqPack.Tests.Support;

namespace SeqPack.Tests.Recurrent;

/// <summary>
/// Finite differences against the fused backward passes, at small sizes: gradients of the input and of the
/// initial states, through packed (unsorted) and padded input, every cell kind, two layers, both directions.
/// (Weight gradients are compared with PyTorch in <see cref="RecurrentFixtureTests"/>.)
/// </summary>
public class RecurrentGradCheckTests
{
    private static readonly int[] Lengths = [2, 4, 1];

    private static Tensor R(ulong seed, params int[] shape) => Tensor.Randn(shape, seed);

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void Lstm_PackedBidirectional_MatchesFiniteDifferences(int projSize)
    {
        var lstm = new Lstm(3, 4, numLayers: 2, bidirectional: true, projSize: projSize, rng: new Rng(1));
        int hOut = projSize == 0 ? 4 : projSize;
        GradCheck.Check(x =>
        {
            var packed = Packing.PackPaddedSequence(x[0], Lengths, enforceSorted: false);
            var (o, s) = lstm.Forward(packed, new LstmState(x[1], x[2]));
            return Tensor.Cat([o.Data.Reshape(-1), s.H.Reshape(-1), s.C.Reshape(-1)], 0);
        }, [R(2, 4, 3, 3), R(3, 4, 3, hOut), R(4, 4, 3, 4)]);
    }

    [Fact]
    public void Gru_PackedBidirectional_MatchesFiniteDifferences()
    {
        var gru = new Gru(3, 4, numLayers: 2, bidirectional: true, rng: new Rng(5));
        GradCheck.Check(x =>
        {
            var (o, h) = gru.Forward(Packing.PackPaddedSequence(x[0], Lengths, enforceSorted: false), x[1]);
            return Tensor.Cat([o.Data.Reshape(-1), h.Reshape(-1)], 0);
        }, [R(6, 4, 3, 3), R(7, 4, 3, 4)]);
    }

    [Theory]
    [InlineData(RnnNonlinearity.Tanh)]
    [InlineData(RnnNonlinearity.Relu)]
    public void Rnn_PaddedBatchFirst_MatchesFiniteDifferences(RnnNonlinearity nonlinearity)
    {
        var rnn = new Rnn(3, 4, numLayers: 2, nonlinearity, batchFirst: true, bidirectional: true, rng: new Rng(8));
        GradCheck.Check(x =>
        {
            var (o, h) = rnn.Forward(x[0], x[1]);
            return Tensor.Cat([o.Reshape(-1), h.Reshape(-1)], 0);
        }, [R(9, 3, 4, 3), R(10, 4, 3, 4)], eps: 1e-3);
    }

    [Fact]
    public void Cells_MatchFiniteDifferences()
    {
        var lstm = new LstmCell(3, 5, rng: new Rng(11));
        GradCheck.Check(x =>
        {
            var s = lstm.Forward(x[0], new LstmState(x[1], x[2]));
            return Tensor.Cat([s.H, s.C], 1);
        }, [R(12, 2, 3), R(13, 2, 5), R(14, 2, 5)]);
        var gru = new GruCell(3, 5, rng: new Rng(15));
        GradCheck.Check(x => gru.Forward(x[0], x[1]), [R(16, 2, 3), R(17, 2, 5)]);
        var rnn = new RnnCell(3, 5, rng: new Rng(18));
        GradCheck.Check(x => rnn.Forward(x[0], x[1]), [R(19, 3), R(20, 5)]);
    }
}

using SeqPack.Nn;
using SeqPack.Tests.Support;

namespace SeqPack.Tests.Recurrent;

/// <summary>The single-step cells: a loop of cell steps equals the one-layer module with the same weights.</summary>
public class RnnCellTests
{
    private static Dictionary<string, Tensor> LayerWeightsFromCell(Module cell) =>
        cell.NamedParameters().ToDictionary(p => p.Name + "_l0", p => p.Parameter);

    [Fact]
    public void LstmCell_LoopEqualsLstmLayer()
    {
        var cell = new LstmCell(3, 5, rng: new Rng(1));
        var layer = new Lstm(3, 5);
        layer.LoadStateDict(LayerWeightsFromCell(cell));
        var x = Tensor.Randn([4, 2, 3], 2);
        var state = new LstmState(Tensor.Randn([2, 5], 3), Tensor.Randn([2, 5], 4));
        var (output, final) = layer.Forward(x, new LstmState(state.H.Reshape(1, 2, 5), state.C.Reshape(1, 2, 5)));
        var s = state;
        for (int t = 0; t < 4; t++)
        {
            s = cell.Forward(x.Select(0, t), s);
            TensorAssert.Close(output.Select(0, t).ToArray(), s.H, 1e-6, 1e-5);
        }
        TensorAssert.Close(final.C.Reshape(2, 5).ToArray(), s.C, 1e-6, 1e-5);
    }

    [Fact]
    public void GruAndRnnCells_StepEqualsLayer_AndAcceptUnbatchedInput()
    {
        var gruCell = new GruCell(3, 4, rng: new Rng(2));
        var gru = new Gru(3, 4);
        gru.LoadStateDict(LayerWeightsFromCell(gruCell));
        var x = Tensor.Randn([3], 5);
        var h = Tensor.Randn([4], 6);
        var (o, _) = gru.Forward(x.Reshape(1, 3), h.Reshape(1, 4));
        TensorAssert.Close(o.Reshape(4).ToArray(), gruCell.Forward(x, h), 1e-6, 1e-5);
        Assert.Equal([4], gruCell.Forward(x).Shape);

        var rnnCell = new RnnCell(3, 4, nonlinearity: RnnNonlinearity.Relu, rng: new Rng(3));
        var rnn = new Rnn(3, 4, nonlinearity: RnnNonlinearity.Relu);
        rnn.LoadStateDict(LayerWeightsFromCell(rnnCell));
        var xb = Tensor.Randn([2, 3], 7);
        var (ro, _) = rnn.Forward(xb.Reshape(1, 2, 3));
        TensorAssert.Close(ro.Reshape(2, 4).ToArray(), rnnCell.Forward(xb), 1e-6, 1e-5);
    }

    [Fact]
    public void Cells_HavePyTorchParameterNames_AndCheckShapes()
    {
        var cell = new LstmCell(3, 4, bias: true);
        Assert.Equal(["weight_ih", "weight_hh", "bias_ih", "bias_hh"], cell.StateDict().Keys);
        Assert.Equal([16, 3], cell.StateDict()["weight_ih"].Shape);
        Assert.Equal([9, 3], new GruCell(3, 3).StateDict()["weight_hh"].Shape);
        var e = Assert.Throws<ArgumentException>(() => cell.Forward(Tensor.Zeros(2, 5)));
        Assert.Equal("input", e.ParamName);
        Assert.Throws<ArgumentException>(() => cell.Forward(Tensor.Zeros(2, 3), new LstmState(Tensor.Zeros(3, 4), Tensor.Zeros(2, 4))));
        Assert.Throws<ArgumentException>(() => new GruCell(3, 4).Forward(Tensor.Zeros(3), Tensor.Zeros(1, 4)));
        Assert.ThrowsAny<ArgumentException>(() => new RnnCell(0, 4));
    }
}

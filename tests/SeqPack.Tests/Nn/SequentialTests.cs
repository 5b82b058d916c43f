using SeqPack;
using SeqPack.Nn;

namespace SeqPack.Tests.Nn;

public class SequentialTests
{
    [Fact]
    public void StateDictKeys_ArePyTorchPositions()
    {
        var s = new Sequential(new Linear(4, 6), Activation.Tanh(), new Dropout(0.1f), new Linear(6, 2, bias: false));
        // PyTorch: nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Dropout(0.1), nn.Linear(6, 2, bias=False)).state_dict().keys()
        Assert.Equal(new[] { "0.weight", "0.bias", "3.weight" }, s.StateDict().Keys);
        Assert.Equal(4, s.Count);
        Assert.IsType<Dropout>(s[2]);
    }

    [Fact]
    public void Forward_AppliesStagesInOrder_AndNests()
    {
        var l1 = new Linear(3, 4); var l2 = new Linear(4, 2);
        var inner = new Sequential(l1, Activation.Relu());
        var s = new Sequential(inner, l2, Activation.Sigmoid());
        var x = Tensor.FromArray([0.5f, -1f, 2f, 1f, 0f, -0.5f], 2, 3);
        var expected = l2.Forward(l1.Forward(x).Relu()).Sigmoid().ToArray();
        Assert.Equal(expected, s.Forward(x).ToArray());
        Assert.Contains("0.0.weight", s.StateDict().Keys);
        s.Eval();
        Assert.False(l1.Training);
    }

    [Fact]
    public void ModuleWithoutTensorForward_IsRejectedByIndex()
    {
        var ex = Assert.Throws<ArgumentException>(() => new Sequential(new Linear(2, 2), new Embedding(5, 2)));
        Assert.Equal("modules", ex.ParamName);
        Assert.Contains("modules[1]", ex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sequential(new Linear(2, 2))[1]);
    }
}

using SeqPack.Nn;

namespace SeqPack.Tests.Recurrent;

/// <summary>Argument checks, the dropout warning, initialisation and parameter naming of the recurrent layers.</summary>
public class RecurrentValidationTests
{
    [Theory]
    [InlineData(0, 4, 1)]
    [InlineData(3, 0, 1)]
    [InlineData(3, 4, 0)]
    [InlineData(-1, 4, 1)]
    public void Constructor_NonPositiveSizes_Throw(int inputSize, int hiddenSize, int numLayers)
    {
        Assert.ThrowsAny<ArgumentException>(() => new Lstm(inputSize, hiddenSize, numLayers));
        Assert.ThrowsAny<ArgumentException>(() => new Gru(inputSize, hiddenSize, numLayers));
        Assert.ThrowsAny<ArgumentException>(() => new Rnn(inputSize, hiddenSize, numLayers));
    }

    [Theory]
    [InlineData(-0.1f)]
    [InlineData(1.5f)]
    [InlineData(float.NaN)]
    public void Constructor_DropoutOutsideUnitInterval_Throws(float dropout)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => new Lstm(3, 4, 2, dropout: dropout));
        Assert.Equal("dropout", e.ParamName);
        Assert.Contains("[0, 1]", e.Message);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(-1)]
    public void Constructor_ProjSizeNotBelowHiddenSize_Throws(int projSize)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => new Lstm(3, 4, projSize: projSize));
        Assert.Equal("projSize", e.ParamName);
        Assert.Contains(projSize.ToString(), e.Message);
    }

    [Fact]
    public void Forward_WrongFeatureSize_ThrowsNamingShapes()
    {
        var lstm = new Lstm(3, 4);
        var e = Assert.Throws<ArgumentException>(() => lstm.Forward(Tensor.Zeros(5, 2, 7)));
        Assert.Equal("input", e.ParamName);
        Assert.Contains("(5, 2, 7)", e.Message);
        Assert.Contains("3", e.Message);
        var packed = Packing.PackSequence([Tensor.Zeros(2, 6)]);
        Assert.Throws<ArgumentException>(() => lstm.Forward(packed));
        Assert.Throws<ArgumentException>(() => lstm.Forward(Tensor.Zeros(2, 3, 4, 3)));
    }

    [Fact]
    public void Forward_WrongInitialStateShapes_Throw()
    {
        var lstm = new Lstm(3, 4, numLayers: 2, bidirectional: true, projSize: 2);
        var x = Tensor.Zeros(5, 3, 3);
        var goodH = Tensor.Zeros(4, 3, 2);
        var goodC = Tensor.Zeros(4, 3, 4);
        lstm.Forward(x, new LstmState(goodH, goodC));   // accepted
        var e = Assert.Throws<ArgumentException>(() => lstm.Forward(x, new LstmState(Tensor.Zeros(4, 3, 4), goodC)));
        Assert.Contains("(4, 3, 2)", e.Message);   // the expected shape: projSize features
        Assert.Throws<ArgumentException>(() => lstm.Forward(x, new LstmState(goodH, Tensor.Zeros(2, 3, 4))));
        Assert.Throws<ArgumentException>(() => lstm.Forward(x, new LstmState(Tensor.Zeros(4, 2, 2), goodC)));

        var gru = new Gru(3, 4);
        var ge = Assert.Throws<ArgumentException>(() => gru.Forward(x, Tensor.Zeros(1, 3, 5)));
        Assert.Equal("h0", ge.ParamName);
        var packed = Packing.PackSequence([Tensor.Zeros(2, 3), Tensor.Zeros(1, 3)]);
        Assert.Throws<ArgumentException>(() => gru.Forward(packed, Tensor.Zeros(1, 3, 4)));   // batch is 2
        gru.Forward(packed, Tensor.Zeros(1, 2, 4));
        // Unbatched input takes unbatched states.
        Assert.Throws<ArgumentException>(() => gru.Forward(Tensor.Zeros(5, 3), Tensor.Zeros(1, 1, 4)));
        gru.Forward(Tensor.Zeros(5, 3), Tensor.Zeros(1, 4));
    }

    [Fact]
    public void Parameters_HavePyTorchNamesShapesAndOrder()
    {
        var lstm = new Lstm(3, 4, numLayers: 2, bidirectional: true, projSize: 2);
        var expected = new List<(string, int[])>();
        for (int l = 0; l < 2; l++)
            foreach (var sfx in new[] { "", "_reverse" })
            {
                int inSize = l == 0 ? 3 : 4;   // 2 directions × projSize 2
                expected.Add(($"weight_ih_l{l}{sfx}", [16, inSize]));
                expected.Add(($"weight_hh_l{l}{sfx}", [16, 2]));
                expected.Add(($"bias_ih_l{l}{sfx}", [16]));
                expected.Add(($"bias_hh_l{l}{sfx}", [16]));
                expected.Add(($"weight_hr_l{l}{sfx}", [2, 4]));
            }
        var actual = lstm.NamedParameters().Select(p => (p.Name, p.Parameter.Shape)).ToList();
        Assert.Equal(expected.Select(e => e.Item1), actual.Select(a => a.Name));
        Assert.Equal(expected.Select(e => e.Item2), actual.Select(a => a.Shape));
        Assert.Equal(["weight_ih_l0", "weight_hh_l0"], new Gru(3, 4, bias: false).StateDict().Keys);
        Assert.Equal([3, 3], new Gru(3, 1).NamedParameters().First().Parameter.Shape);
    }

    [Fact]
    public void DefaultInit_IsUniformWithinInverseSqrtHidden_AndSeeded()
    {
        var a = new Lstm(8, 25, rng: new Rng(11));
        var b = new Lstm(8, 25, rng: new Rng(11));
        var all = a.Parameters().SelectMany(p => p.ToArray()).ToArray();
        Assert.All(all, v => Assert.InRange(v, -0.2f, 0.2f));          // 1/√25
        Assert.True(all.Max() > 0.19f && all.Min() < -0.19f);          // the whole range is used
        Assert.True(Math.Abs(all.Average()) < 0.01);
        Assert.Equal(all, b.Parameters().SelectMany(p => p.ToArray()));
    }

    [Fact]
    public void StateDict_RoundTripsBetweenModules()
    {
        var a = new Gru(3, 5, numLayers: 2, bidirectional: true, rng: new Rng(1));
        var b = new Gru(3, 5, numLayers: 2, bidirectional: true, rng: new Rng(2));
        b.LoadStateDict(a.StateDict());
        var x = Tensor.Randn([4, 2, 3], 3);
        Assert.Equal(a.Forward(x).Output.ToArray(), b.Forward(x).Output.ToArray());
    }
}

/// <summary>
/// The recurrent layers' warning, in the collection that runs alone: <see cref="Warnings.Raised"/> is process-wide, so
/// a warning raised beside a CLI test would land in that test's captured output.
/// </summary>
[Collection(SeqPack.Tests.Data.WarningsCollection.Name)]
public class RecurrentWarningTests
{
    [Fact]
    public void Constructor_DropoutWithOneLayer_WarnsThroughWarningsEvent()
    {
        var seen = new List<string>();
        void Handler(string m) => seen.Add(m);
        Warnings.Raised += Handler;
        try
        {
            _ = new Lstm(3, 4, numLayers: 2, dropout: 0.5f);
            _ = new Lstm(3, 4, numLayers: 1, dropout: 0f);
            Assert.DoesNotContain(seen, m => m.Contains("LSTM"));
            _ = new Gru(3, 4, numLayers: 1, dropout: 0.5f);
        }
        finally { Warnings.Raised -= Handler; }
        Assert.Contains(seen, m => m.Contains("GRU") && m.Contains("numLayers = 1"));
    }
}

using SeqPack.Nn;

namespace SeqPack.Tests.Nn;

/// <summary>
/// Issue 26: layer sizes whose products overflow or cannot fit in memory are refused on entry with an
/// <see cref="ArgumentOutOfRangeException"/> naming the parameter (`new Lstm(4, int.MaxValue / 2)` reported a
/// negative extent; a huge layer count allocated for minutes).
/// </summary>
public class LayerSizeTests
{
    [Fact]
    public void Lstm_HugeHiddenSize_NamesHiddenSize() =>
        Assert.Equal("hiddenSize", Assert.Throws<ArgumentOutOfRangeException>(() => new Lstm(4, int.MaxValue / 2)).ParamName);

    [Fact]
    public void Gru_HugeInputSize_NamesInputSize() =>
        Assert.Equal("inputSize", Assert.Throws<ArgumentOutOfRangeException>(() => new Gru(int.MaxValue, 64)).ParamName);

    [Fact]
    public void Lstm_LayersBeyondMemory_NamesNumLayers_BeforeAllocating()
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Lstm(32, 64, numLayers: 100_000_000, bidirectional: true));
        Assert.Equal("numLayers", e.ParamName);
        Assert.Contains("more than the", e.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
    }

    [Fact]
    public void Rnn_HiddenSizeTimesLayerInput_Overflow_NamesHiddenSize() =>
        Assert.Equal("hiddenSize", Assert.Throws<ArgumentOutOfRangeException>(() => new Rnn(8, 65_536, bidirectional: true)).ParamName);

    [Fact]
    public void Cells_Linear_Embedding_RefuseOverflowingProducts()
    {
        Assert.Equal("hiddenSize", Assert.Throws<ArgumentOutOfRangeException>(() => new LstmCell(4, int.MaxValue / 2)).ParamName);
        Assert.Equal("outFeatures", Assert.Throws<ArgumentOutOfRangeException>(() => new Linear(100_000, 100_000)).ParamName);
        Assert.Equal("numEmbeddings", Assert.Throws<ArgumentOutOfRangeException>(() => new Embedding(int.MaxValue, 2)).ParamName);
    }

    [Fact]
    public void OrdinarySizes_StillBuild() => Assert.Equal(4 * 64, new Lstm(4, 64, numLayers: 2).NamedParameters().First().Parameter.Shape[0]);
}

using SeqPack.Nn;
using SeqPack.Onnx;
using SeqPack.Tests.Data;

namespace SeqPack.Tests.Onnx;

/// <summary>Linear and Embedding exported alone and run in ONNX Runtime against SeqPack's forward pass.</summary>
public sealed class OnnxModuleExportTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Linear_ThreeDimensionalInput_MatchesForward(bool bias)
    {
        var linear = new Linear(7, 5, bias, new Rng(1));
        var x = Tensor.Randn(new Rng(2), 2, 3, 7);
        var expected = linear.Forward(x);
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "linear.onnx");
        OnnxModuleExport.SaveModule(linear, path);
        var output = OrtRunner.Run(path, OrtInput.Floats("input", x.ToArray(), 2, 3, 7))["output"];
        Assert.Equal([2L, 3, 5], output.Shape);
        Assert.InRange(OrtRunner.MaxAbsDiff(expected.ToArray(), output.Values), 0, 1e-5);
    }

    [Fact]
    public void Embedding_TwoDimensionalIds_MatchesForward()
    {
        var embedding = new Embedding(11, 4, paddingIdx: 0, rng: new Rng(3));
        int[] ids = [0, 3, 10, 1, 7, 7, 2, 0];
        var expected = embedding.Forward(ids, [2, 4]);
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "embedding.onnx");
        OnnxModuleExport.SaveModule(embedding, path);
        var output = OrtRunner.Run(path, OrtInput.Int64s("ids", [.. ids.Select(i => (long)i)], 2, 4))["output"];
        Assert.Equal([2L, 4, 4], output.Shape);
        Assert.Equal(expected.ToArray(), output.Values);
    }

    [Fact]
    public void SaveModule_UnsupportedModule_RefusedNamingTheType()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "dropout.onnx");
        var ex = Assert.Throws<NotSupportedException>(() => OnnxModuleExport.SaveModule(new Dropout(0.5f), path));
        Assert.Contains("Dropout", ex.Message);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }
}

using SeqPack.Onnx;
using SeqPack.Tests.Data;

namespace SeqPack.Tests.Onnx;

/// <summary>The graph builder refuses malformed graphs before anything is written, and never leaves half a file.</summary>
public sealed class OnnxGraphBuilderTests
{
    [Fact]
    public void AddNode_UnknownInput_ThrowsNamingIt()
    {
        var graph = new OnnxGraphBuilder();
        graph.AddInput("x", OnnxElementType.Float, ["n"]);
        var ex = Assert.Throws<ArgumentException>(() => graph.AddNode("Add", ["x", "missing"]));
        Assert.Contains("'missing'", ex.Message);
        Assert.Equal(0, graph.NodeCount);
    }

    [Fact]
    public void AddInput_DuplicateName_Throws()
    {
        var graph = new OnnxGraphBuilder();
        graph.AddInput("x", OnnxElementType.Float, null);
        Assert.Throws<ArgumentException>(() => graph.AddInput("x", OnnxElementType.Int64, null));
    }

    [Fact]
    public void AddInitializer_NonFiniteWeight_ThrowsNamingTheConstant()
    {
        var graph = new OnnxGraphBuilder();
        var ex = Assert.Throws<ArgumentException>(() => graph.AddInitializer("lstm.W", [1f, float.NaN], 2));
        Assert.Contains("lstm.W", ex.Message);
    }

    [Fact]
    public void AddInitializer_CountDoesNotMatchShape_Throws()
    {
        var graph = new OnnxGraphBuilder();
        Assert.Throws<ArgumentException>(() => graph.AddInitializer("w", [1f, 2f, 3f], 2, 2));
    }

    [Fact]
    public void Save_GraphWithoutOutput_ThrowsAndKeepsTheOldFile()
    {
        using var dir = new TempDir();
        var path = dir.Write("model.onnx", "previous");
        var graph = new OnnxGraphBuilder();
        graph.AddInput("x", OnnxElementType.Float, null);
        Assert.Throws<InvalidOperationException>(() => graph.Save(path));
        Assert.Equal("previous", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void Save_ReplacesAnExistingFileWithARunnableModel()
    {
        using var dir = new TempDir();
        var path = dir.Write("model.onnx", "previous");
        var graph = new OnnxGraphBuilder();
        var x = graph.AddInput("x", OnnxElementType.Float, ["n"]);
        var doubled = graph.AddNode("Add", [x, x]);
        graph.AddOutput(doubled, "y", OnnxElementType.Float, ["n"]);
        graph.Save(path);
        var y = OrtRunner.Run(path, OrtInput.Floats("x", [1f, -2.5f, 3f], 3))["y"];
        Assert.Equal([2f, -5f, 6f], y.Values);
        Assert.Single(Directory.GetFiles(dir.Path));
    }
}

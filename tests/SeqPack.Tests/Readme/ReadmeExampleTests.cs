namespace SeqPack.Tests.Readme;

/// <summary>
/// Keeps the README's packing example from rotting: the C# block in README.md must be
/// samples/ReadmeExample/Program.cs verbatim (that project is built with the solution, so the code
/// compiles), and running the program must print exactly the README's output block, whose key lines are
/// also checked here against values derived by hand.
/// </summary>
public class ReadmeExampleTests
{
    private const string Marker = "samples/ReadmeExample/Program.cs";

    private static string ReadmeBlock(string language) =>
        ReadmeFile.BlockAfter(l => l.StartsWith("<!--", StringComparison.Ordinal) && l.Contains(Marker, StringComparison.Ordinal),
            $"comment naming {Marker}", language);

    private static string RunExample() => ReadmeFile.Run("ReadmeExample.dll", []);

    [Fact]
    public void ReadmeCodeBlock_IsTheCompiledSampleVerbatim()
    {
        var program = File.ReadAllText(Path.Combine(ReadmeFile.RepositoryRoot(), "samples", "ReadmeExample", "Program.cs"));
        Assert.Equal(ReadmeFile.Normalize(program), ReadmeBlock("csharp"));
    }

    [Fact]
    public void ReadmeOutputBlock_IsWhatTheSamplePrints_AndIsCorrect()
    {
        var output = RunExample();
        Assert.Equal(ReadmeBlock("text"), output);

        // Hand-derived: [4,5], [1,2,3], [6] padded batch-first, packed longest first.
        var lines = output.Split('\n');
        Assert.Equal("tensor([[4.0000, 5.0000, 0.0000],", lines[0]);
        Assert.Equal("        [1.0000, 2.0000, 3.0000],", lines[1]);
        Assert.Equal("        [6.0000, 0.0000, 0.0000]])", lines[2]);
        Assert.Equal("PackedSequence(data: (6), batchSizes: [3, 2, 1], sortedIndices: [1, 0, 2])", lines[3]);
        Assert.Equal("tensor([1.0000, 4.0000, 6.0000, 2.0000, 5.0000, 3.0000])", lines[4]);
        Assert.Equal("lengths: [2, 3, 1]", lines[5]);
        Assert.Equal(["tensor([4.0000, 5.0000])", "tensor([1.0000, 2.0000, 3.0000])", "tensor([6.0000])"], lines[6..]);
    }
}

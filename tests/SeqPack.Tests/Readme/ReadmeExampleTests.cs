using System.Diagnostics;

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

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "SeqPack.sln")) && File.Exists(Path.Combine(dir.FullName, "README.md")))
                return dir.FullName;
        throw new InvalidOperationException($"No directory above {AppContext.BaseDirectory} holds SeqPack.sln and README.md.");
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n").TrimEnd('\n');

    /// <summary>The body of the first fenced block of the given language after the marker comment in README.md.</summary>
    private static string ReadmeBlock(string language)
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryRoot(), "README.md"));
        int marker = Array.FindIndex(lines, l => l.StartsWith("<!--", StringComparison.Ordinal) && l.Contains(Marker, StringComparison.Ordinal));
        Assert.True(marker >= 0, $"README.md has no comment naming {Marker} before the example.");
        int start = Array.FindIndex(lines, marker, l => l == "```" + language);
        Assert.True(start >= 0, $"README.md has no ```{language} block after the example marker.");
        int end = Array.FindIndex(lines, start + 1, l => l == "```");
        Assert.True(end > start, $"README.md's ```{language} block is not closed.");
        return string.Join("\n", lines[(start + 1)..end]);
    }

    private static string RunExample()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "ReadmeExample.dll");
        Assert.True(File.Exists(dll), $"{dll} was not built next to the tests.");
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(120_000), "the README example did not finish within two minutes");
        Assert.True(process.ExitCode == 0, $"the README example exited with {process.ExitCode}: {stderr.Result}");
        return Normalize(stdout.Result);
    }

    [Fact]
    public void ReadmeCodeBlock_IsTheCompiledSampleVerbatim()
    {
        var program = File.ReadAllText(Path.Combine(RepositoryRoot(), "samples", "ReadmeExample", "Program.cs"));
        Assert.Equal(Normalize(program), ReadmeBlock("csharp"));
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

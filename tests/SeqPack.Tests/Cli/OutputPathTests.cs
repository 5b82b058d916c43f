using SeqPack.Tests.Data;

namespace SeqPack.Tests.Cli;

/// <summary>Issue 26, no output ever lands on an input: each path the CLI writes is checked against what it reads and against foreign files.</summary>
public class OutputPathTests
{
    private static string Tiny(TempDir dir, string name = "v.tsv")
    {
        var lines = Enumerable.Range(0, 30).Select(i => i % 3 == 0 ? $"spam\tWIN {i}! now" : $"ham\tsee you at {i}");
        return dir.Write(name, string.Join("\n", lines) + "\n");
    }

    // Guards: `seqpack inspect --data v.tsv --plot v.tsv` overwrote the data with a PNG and exited 0.
    [Fact]
    public void InspectPlotOnTheDataFile_Refused_DataIntact()
    {
        using var dir = new TempDir();
        var data = Tiny(dir);
        var before = File.ReadAllBytes(data);
        var (code, _, stderr) = CliRunner.RunSplit(["inspect", "--data", data, "--plot", data]);
        Assert.Equal(4, code);
        Assert.Contains("is the input file", stderr);
        Assert.Equal(before, File.ReadAllBytes(data));
    }

    // Guards: the same through a symbolic link to the data file.
    [Fact]
    public void InspectPlotOnALinkToTheData_Refused()
    {
        using var dir = new TempDir();
        var data = Tiny(dir);
        var link = Path.Combine(dir.Path, "link.png");
        File.CreateSymbolicLink(link, data);
        Assert.Equal(4, CliRunner.RunSplit(["inspect", "--data", data, "--plot", link]).ExitCode);
        Assert.StartsWith("spam\t", File.ReadAllText(data));
    }

    // Guards: --plot replacing an existing file that is not a PNG (another input, a document).
    [Fact]
    public void InspectPlotOverAnExistingNonPng_Refused_PngReplaced()
    {
        using var dir = new TempDir();
        var data = Tiny(dir);
        var notes = dir.Write("notes.txt", "keep me");
        Assert.Equal(4, CliRunner.RunSplit(["inspect", "--data", data, "--plot", notes]).ExitCode);
        Assert.Equal("keep me", File.ReadAllText(notes));
        var png = Path.Combine(dir.Path, "h.png");
        Assert.Equal(0, CliRunner.RunSplit(["inspect", "--data", data, "--plot", png]).ExitCode);
        Assert.Equal(0, CliRunner.RunSplit(["inspect", "--data", data, "--plot", png]).ExitCode);   // its own PNG may be replaced
    }

    // Guards: a run folder whose files (config.json, model.safetensors, ...) would replace the training data.
    [Fact]
    public void TrainOutOverAFolderHoldingTheDataAsARunFile_Refused()
    {
        using var dir = new TempDir();
        dir.Write("config.json", "{\"format\":\"seqpack-run\",\"version\":1}");
        var data = Tiny(dir, "metrics.jsonl");
        var before = File.ReadAllBytes(data);
        var (code, _, stderr) = CliRunner.RunSplit(["train", "--data", data, "--format", "tsv", "--out", dir.Path, "--force", "--epochs", "1"]);
        Assert.Equal(4, code);
        Assert.Contains("would overwrite the input file", stderr);
        Assert.Equal(before, File.ReadAllBytes(data));
    }

    // Guards: --force used to delete and replace files in any folder, not only in a run folder.
    [Fact]
    public void TrainForceIntoAFolderThatIsNotARun_Refused()
    {
        using var dir = new TempDir();
        var data = Tiny(dir);
        var project = Path.Combine(dir.Path, "project");
        Directory.CreateDirectory(project);
        File.WriteAllText(Path.Combine(project, "config.json"), "{\"name\":\"my app\"}");
        var (code, _, stderr) = CliRunner.RunSplit(["train", "--data", data, "--out", project, "--force", "--epochs", "1"]);
        Assert.Equal(4, code);
        Assert.Contains("is not a seqpack run folder", stderr);
        Assert.Equal("{\"name\":\"my app\"}", File.ReadAllText(Path.Combine(project, "config.json")));
    }

    // Guards: --out naming an existing file.
    [Fact]
    public void TrainOutIsAFile_Refused()
    {
        using var dir = new TempDir();
        var data = Tiny(dir);
        Assert.Equal(4, CliRunner.RunSplit(["train", "--data", data, "--out", data]).ExitCode);
        Assert.StartsWith("spam\t", File.ReadAllText(data));
    }
}

using SeqPack.Tests.Data;

namespace SeqPack.Tests.Cli;

/// <summary>
/// Issue 26, no silent model from unusable data: one class, one row, or too few rows for the dev/test split is a
/// clear error (exit 3) before training. Guards: a one-class model was trained; a one-row file trained with
/// "0 dev / 0 test" and reported dev accuracy 0.00%.
/// </summary>
public class TrainDataChecksTests
{
    private static (int Code, string Error) Train(TempDir dir, string content, params string[] extra)
    {
        var data = dir.Write("d.tsv", content);
        var (code, _, stderr) = CliRunner.RunSplit(["train", "--data", data, "--out", Path.Combine(dir.Path, "run"), "--epochs", "1", .. extra]);
        return (code, stderr);
    }

    [Fact]
    public void OneClass_Refused()
    {
        using var dir = new TempDir();
        var (code, error) = Train(dir, string.Concat(Enumerable.Range(0, 30).Select(i => $"ham\ttext {i}\n")));
        Assert.Equal(3, code);
        Assert.Contains("hold one class only ('ham'); a classifier needs at least two", error);
        Assert.False(File.Exists(Path.Combine(dir.Path, "run", "model.safetensors")));
    }

    [Fact]
    public void OneRow_Refused()
    {
        using var dir = new TempDir();
        var (code, error) = Train(dir, "ham\tonly one\n");
        Assert.Equal(3, code);
        Assert.Contains("has too few examples (1)", error);
    }

    [Fact]
    public void TooFewRowsForADevSplit_Refused()
    {
        using var dir = new TempDir();
        var (code, error) = Train(dir, "ham\ta\nspam\tb\nham\tc\nspam\td\n");
        Assert.Equal(3, code);
        Assert.Contains("too few examples (4) for a dev split of 0.1", error);
    }

    [Fact]
    public void DevFractionZeroWithoutADevFile_Refused()
    {
        using var dir = new TempDir();
        var (code, error) = Train(dir, string.Concat(Enumerable.Range(0, 30).Select(i => $"{(i % 2 == 0 ? "ham" : "spam")}\ttext {i}\n")), "--dev-fraction", "0");
        Assert.Equal(3, code);
        Assert.Contains("a dev fraction of 0 without a dev file leaves no dev set", error);
    }

    [Fact]
    public void DevFractionNaN_IsAUsageError()
    {
        using var dir = new TempDir();
        var (code, error) = Train(dir, "ham\ta\nspam\tb\n", "--dev-fraction", "NaN");
        Assert.Equal(2, code);
        Assert.Contains("--dev-fraction must be a finite number in [0, 1); got NaN", error);
    }
}

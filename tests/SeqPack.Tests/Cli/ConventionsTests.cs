using System.Text.Json;
using SeqPack.Tests.Data;

namespace SeqPack.Tests.Cli;

/// <summary>
/// Issue 26, conventions: errors on standard error and results on standard output, the documented exit codes,
/// choices in any case, and JSON records that stay on one line whatever the console width.
/// </summary>
public class ConventionsTests
{
    private static string Tiny(TempDir dir)
    {
        var lines = Enumerable.Range(0, 30).Select(i => i % 3 == 0 ? $"spam\tWIN {i}! now" : $"ham\tsee you at {i}");
        return dir.Write("tiny.tsv", string.Join("\n", lines) + "\n");
    }

    // Guards: every error used to go to standard output, leaving standard error empty.
    [Fact]
    public void Error_GoesToStandardError_NotStandardOutput()
    {
        var (code, stdout, stderr) = CliRunner.RunSplit(["inspect", "--data", "/no/such/file.tsv"]);
        Assert.NotEqual(0, code);
        Assert.Equal("", stdout);
        Assert.StartsWith("error: --data '/no/such/file.tsv' does not exist", stderr);
        Assert.Single(stderr.TrimEnd('\n').Split('\n'));
    }

    // Guards: a missing file exited 1 where the README promises 4.
    [Theory]
    [InlineData("inspect", "--data", "/no/such/file.tsv")]
    [InlineData("train", "--data", "/no/such/file.tsv")]
    [InlineData("train", "--resume", "/no/such/run")]
    public void MissingFile_ExitsFour(params string[] args) => Assert.Equal(4, CliRunner.RunSplit(args).ExitCode);

    // Guards: a bad option value is a usage error (2), and a malformed row a data error (3).
    [Fact]
    public void ExitCodes_UsageTwo_MalformedDataThree()
    {
        using var dir = new TempDir();
        Assert.Equal(2, CliRunner.RunSplit(["train", "--batch-size", "0"]).ExitCode);
        Assert.Equal(3, CliRunner.RunSplit(["inspect", "--data", dir.Write("bad.tsv", "ham\tok\nspam\n")]).ExitCode);
    }

    // Guards: a long error line was wrapped at the console width.
    [Fact]
    public void LongError_StaysOnOneLine_OnANarrowConsole()
    {
        var path = "/no/such/" + new string('x', 300) + ".tsv";
        var (_, _, stderr) = CliRunner.RunSplit(["inspect", "--data", path], width: 40);
        Assert.Single(stderr.TrimEnd('\n').Split('\n'));
        Assert.Contains(path, stderr);
    }

    // Guards: `--cell LSTM` and `--task CLASSIFY`, spelled as --help prints the choices, were rejected.
    [Fact]
    public void Choices_AreCaseInsensitive()
    {
        using var dir = new TempDir();
        var run = Path.Combine(dir.Path, "run");
        var (code, stdout, stderr) = CliRunner.RunSplit(["train", "--data", Tiny(dir), "--out", run, "--cell", "GRU", "--task", "CLASSIFY",
            "--tokenizer", "Chars", "--epochs", "1", "--embedding-dim", "4", "--hidden-size", "4"], width: 250);
        Assert.True(code == 0, stdout + stderr);
        var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "config.json"))).RootElement;
        Assert.Equal("gru", config.GetProperty("model").GetProperty("cell").GetString());
        Assert.Equal("classify", config.GetProperty("task").GetString());
    }

    // Guards: `predict --json` of a text over ~1,000 characters wrapped one object over several lines.
    [Fact]
    public void PredictJson_OneObjectPerLine_WhateverTheWidth()
    {
        using var dir = new TempDir();
        var run = Path.Combine(dir.Path, "run");
        Assert.Equal(0, CliRunner.RunSplit(["train", "--data", Tiny(dir), "--out", run, "--epochs", "1", "--embedding-dim", "4", "--hidden-size", "4"]).ExitCode);
        var text = string.Join(" ", Enumerable.Repeat("see you at six", 120));
        var (code, stdout, _) = CliRunner.RunSplit(["predict", "--model", run, "--json", text, "WIN 5!"], width: 40);
        Assert.Equal(0, code);
        var lines = stdout.TrimEnd('\n').Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.Equal(text, JsonDocument.Parse(lines[0]).RootElement.GetProperty("text").GetString());
    }

    // Guards: a line of standard input is never read whole beyond the line limit.
    [Fact]
    public void PredictStdin_LineOverTheLimit_RefusedWithDataExitCode()
    {
        var reader = new StringReader("short\n" + new string('a', 5000) + "\n");
        var e = Assert.Throws<SeqPack.Cli.Infrastructure.CliException>(() => SeqPack.Cli.Commands.PredictCommand.ReadLines(reader, maxChars: 1000));
        Assert.Equal(3, e.ExitCode);
        Assert.Contains("line 2 of standard input is longer than 1000 characters", e.Message);
    }
}

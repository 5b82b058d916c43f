using SeqPack.Tests.Data;

namespace SeqPack.Tests.Cli;

/// <summary>Bad input to the command: one line naming the problem and the fix, a non-zero exit code, no stack trace.</summary>
public class ErrorHandlingTests
{
    private static void AssertOneLineError((int ExitCode, string Output) result, string expected)
    {
        Assert.NotEqual(0, result.ExitCode);
        var lines = result.Output.TrimEnd('\n').Split('\n');
        Assert.True(lines.Length == 1, result.Output);
        Assert.StartsWith("error: ", lines[0]);
        Assert.Contains(expected, lines[0]);
        Assert.DoesNotContain("   at ", result.Output);
    }

    [Fact]
    public void UnknownOption_OneLineWithHelpHint() =>
        AssertOneLineError(CliRunner.Run("inspect", "--bogus"), "Unknown option 'bogus'; run 'seqpack --help'");

    [Fact]
    public void MissingFile_OneLineAndFileExitCode()
    {
        var result = CliRunner.Run("inspect", "--data", "/no/such/file.tsv");
        AssertOneLineError(result, "--data '/no/such/file.tsv' does not exist; check the path.");
        Assert.Equal(4, result.ExitCode);
    }

    [Fact]
    public void FolderAsDataFile_OneLineAndFileExitCode()
    {
        using var dir = new TempDir();
        var result = CliRunner.Run("inspect", "--data", dir.Path);
        AssertOneLineError(result, "is a folder; pass a data file");
        Assert.Equal(4, result.ExitCode);
    }

    [Fact]
    public void MalformedRow_NamesFileLineAndTheSkipOption()
    {
        using var dir = new TempDir();
        var file = dir.Write("bad.tsv", "ham\tok\nspam\n");
        var result = CliRunner.Run("inspect", "--data", file);
        AssertOneLineError(result, $"{file}:2: expected 2 tab-separated columns, found 1; fix the row, or pass --skip-bad-rows");
        Assert.Equal(3, result.ExitCode);
    }

    [Fact]
    public void EmptyDataset_OneLine()
    {
        using var dir = new TempDir();
        var file = dir.Write("empty.tsv", "\n\n");
        var result = CliRunner.Run("inspect", "--data", file);
        AssertOneLineError(result, "holds no examples");
        Assert.Equal(3, result.ExitCode);
    }

    [Fact]
    public void Verbose_AddsTheStackTrace()
    {
        using var dir = new TempDir();
        var file = dir.Write("ok.tsv", "ham\tok\n");
        var (code, output) = CliRunner.Run("inspect", "--data", file, "--format", "xml", "--verbose");
        Assert.NotEqual(0, code);
        Assert.Contains("--format 'xml' is not known; use tsv, csv or jsonl.", output);
        Assert.Contains("CliException", output);
    }

    [Fact]
    public void ModelFolder_MissingOrFromAnotherVersion_OneLine()
    {
        using var dir = new TempDir();
        AssertOneLineError(CliRunner.Run("predict", "--model", Path.Combine(dir.Path, "none"), "hi"), "does not exist; pass the folder a train run wrote");
        AssertOneLineError(CliRunner.Run("predict", "--model", dir.Path, "hi"), "has no config.json");
        dir.Write("config.json", "{\"format\":\"seqpack-run\",\"version\":99}");
        AssertOneLineError(CliRunner.Run("evaluate", "--model", dir.Path, "--data", dir.Write("d.tsv", "a\tb\n")),
            "has format version 99, newer than the version 1 this SeqPack reads; update SeqPack");
    }

    [Fact]
    public void Train_ConflictingOptions_OneLine() =>
        AssertOneLineError(CliRunner.Run("train", "--data", "a.tsv", "--train", "b.tsv"), "--data cannot be combined with --train/--dev/--test");
}

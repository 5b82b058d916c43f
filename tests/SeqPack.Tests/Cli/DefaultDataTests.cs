using SeqPack.Cli.Commands;

namespace SeqPack.Tests.Cli;

/// <summary>
/// The shipped SMS data travels with the program (the build copies it beside the assemblies and the tool package
/// carries it), so `seqpack train` without --data works from any working directory.
/// </summary>
public class DefaultDataTests
{
    [Fact]
    public void DefaultData_ResolvesBesideTheProgramNotTheWorkingDirectory()
    {
        var located = TrainDefaults.Locate(TrainDefaults.SmsSpam);
        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "data", "sms-spam", "sms-spam.tsv"), Path.GetFullPath(located));
        Assert.True(File.Exists(located), $"{located} was not copied beside the program");
        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(located)!, "NOTICE.md")), "the data's NOTICE.md must travel with it");
        // The same lines as the repository's copy: the program ships the data file itself.
        var repositoryCopy = Path.Combine(Data.DataReaderTests.RepoRoot(), "data", "sms-spam", "sms-spam.tsv");
        Assert.Equal(File.ReadAllBytes(repositoryCopy), File.ReadAllBytes(located));
    }

    [Fact]
    public void OtherPaths_AreTakenAsGiven()
    {
        Assert.Equal("data/other.tsv", TrainDefaults.Locate("data/other.tsv"));
        Assert.Equal("/abs/file.tsv", TrainDefaults.Locate("/abs/file.tsv"));
    }
}

using System.Globalization;
using System.Text.RegularExpressions;

namespace SeqPack.Tests.Readme;

/// <summary>
/// The README's library walkthrough: its C# block under "## Using the library" must be
/// samples/TrainClassifier/Program.cs verbatim, and the program must learn on a short schedule.
/// </summary>
public class TrainClassifierTests
{
    [Fact]
    public void ReadmeUsingTheLibraryBlock_IsTheCompiledSampleVerbatim()
    {
        var program = File.ReadAllText(Path.Combine(ReadmeFile.RepositoryRoot(), "samples", "TrainClassifier", "Program.cs"));
        Assert.Equal(ReadmeFile.Normalize(program), ReadmeFile.BlockAfter(l => l == "## Using the library", "heading '## Using the library'", "csharp"));
    }

    [Fact]
    public void Sample_OnAShortSchedule_BeatsTheMajorityClass_AndPredictsThroughTheSavedModel()
    {
        var root = ReadmeFile.RepositoryRoot();
        var output = ReadmeFile.Run("TrainClassifier.dll", [Path.Combine(root, "data", "sms-spam", "sms-spam.tsv"), "1200", "2"], root);
        var test = Regex.Match(output, @"test accuracy (\d\.\d+) \(majority class (\d\.\d+)\)");
        Assert.True(test.Success, output);
        double accuracy = double.Parse(test.Groups[1].Value, CultureInfo.InvariantCulture);
        double majority = double.Parse(test.Groups[2].Value, CultureInfo.InvariantCulture);
        Assert.True(accuracy > majority, output);
        Assert.Contains("960 train / 120 dev / 120 test", output);             // 1200 messages, 10% / 10% stratified
        Assert.Equal(2, Regex.Matches(output, @"^epoch \d: ", RegexOptions.Multiline).Count);
        Assert.Matches(@"\n(spam|ham) +[01]\.\d{3}  WINNER!", output);           // loaded back as a TrainedModel
    }
}

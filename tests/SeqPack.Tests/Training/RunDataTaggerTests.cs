using SeqPack.Data;
using SeqPack.Tests.Data;
using SeqPack.Training;

namespace SeqPack.Tests.Training;

/// <summary>A new tagger run encodes its splits exactly as a resumed or loaded one does.</summary>
public class RunDataTaggerTests
{
    [Fact]
    public void Create_EncodesCapitalisedWordsAsResumeDoes_NotAsUnknown()
    {
        using var dir = new TempDir();
        var lines = Enumerable.Range(0, 40).Select(i => i % 2 == 0 ? "The cat runs .\tDET NOUN VERB PUNCT" : "the Dog sees a dog .\tDET NOUN VERB DET NOUN PUNCT");
        var file = dir.Write("tags.tsv", string.Join("\n", lines) + "\n");
        var created = RunData.Create(new TrainingOptions { Seed = 1 }, DataReader.Read(file));
        var resumed = RunData.Resume(created.Config, DataReader.Read(file));

        Assert.True(created.Config.Lowercase);
        Assert.Equal(resumed.Train.SelectMany(e => e.Ids), created.Train.SelectMany(e => e.Ids));
        // Word ids are every third id (word, suffix, shape); "The" and "Dog" are known words once lower-cased.
        Assert.DoesNotContain(Vocabulary.UnkId, created.Train.SelectMany(e => e.Ids.Where((_, i) => i % 3 == 0)));
    }
}

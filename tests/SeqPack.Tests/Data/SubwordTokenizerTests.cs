using SeqPack.Data;
using SeqPack.Tests.Support;

namespace SeqPack.Tests.Data;

/// <summary>Sub-word tokenisers over the small vocabulary files in Fixtures/tokenizers.</summary>
public class SubwordTokenizerTests
{
    private static string Fixture(string name) => FixtureFile.PathOf(Path.Combine("tokenizers", name));

    [Fact]
    public void WordPiece_SplitsIntoLongestVocabularyPieces()
    {
        var t = SubwordTokenizer.WordPiece(Fixture("wordpiece-vocab.txt"));
        Assert.Equal(new[] { "the", "cat", "##s", "sat", "on", "the", "mat", "." }, t.Split("the cats sat on the mat ."));
        Assert.Equal(new[] { "[UNK]" }, t.Split("mat."));       // words are split at white space only; "##." is not in the vocabulary
        Assert.Equal(new[] { 4, 5, 6 }, t.EncodeToIds("the cats"));
        Assert.Equal(new[] { "[UNK]" }, t.Split("dog"));
        Assert.Equal("wordpiece", t.Kind);
    }

    [Fact]
    public void Bpe_AppliesTheMergesInOrder()
    {
        var t = SubwordTokenizer.Bpe(Fixture("bpe-vocab.json"), Fixture("bpe-merges.txt"));
        Assert.Equal(new[] { "lower" }, t.Split("lower"));
        Assert.Equal(new[] { "new", "est" }, t.Split("newest"));
        Assert.Equal(new[] { 15, 13 }, t.EncodeToIds("newest"));
    }

    [Fact]
    public void MissingFile_NamesTheParameterAndPath()
    {
        var ex = Assert.Throws<FileNotFoundException>(() => SubwordTokenizer.WordPiece("no/such/vocab.txt"));
        Assert.Contains("no/such/vocab.txt", ex.Message);
        Assert.Contains("vocabPath", ex.Message);
    }
}

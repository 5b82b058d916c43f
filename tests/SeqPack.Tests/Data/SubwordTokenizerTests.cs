using System.Text.Json;
using SeqPack.Data;
using SeqPack.Tests.Support;

namespace SeqPack.Tests.Data;

/// <summary>
/// Sub-word tokenisers over the small vocabulary files in Fixtures/tokenizers; the SentencePiece models and the
/// ids SentencePiece itself gives come from make_sentencepiece_fixtures.py.
/// </summary>
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

    public static TheoryData<string> SentencePieceModels => new() { "unigram", "bpe" };

    [Theory]
    [MemberData(nameof(SentencePieceModels))]
    public void SentencePiece_GivesSentencePiecesIds(string model)
    {
        var fixture = FixtureFile.Load(Path.Combine("tokenizers", "sentencepiece_cases.json"));
        var cases = fixture.GetProperty("cases").EnumerateArray().Select(c => c.GetString()!).ToArray();
        var expected = fixture.GetProperty("models").GetProperty(model);
        var t = SubwordTokenizer.SentencePiece(Fixture(expected.GetProperty("file").GetString()!));
        var ids = expected.GetProperty("ids").EnumerateArray().ToArray();
        var pieces = expected.GetProperty("pieces").EnumerateArray().ToArray();
        int unk = expected.GetProperty("unk_id").GetInt32();
        var wrong = new List<string>();
        for (int i = 0; i < cases.Length; i++)
        {
            var want = ids[i].EnumerateArray().Select(v => v.GetInt32()).ToArray();
            var wantPieces = pieces[i].EnumerateArray().Select(v => v.GetString()!).ToArray();
            // Known pieces read as SentencePiece writes them; an unknown one is the text it covers in both.
            if (!want.SequenceEqual(t.EncodeToIds(cases[i])) || !wantPieces.SequenceEqual(t.Split(cases[i])))
                wrong.Add($"{JsonSerializer.Serialize(cases[i])}: SentencePiece [{string.Join(", ", want)}] {JsonSerializer.Serialize(wantPieces)}, " +
                    $"SeqPack [{string.Join(", ", t.EncodeToIds(cases[i]))}] {JsonSerializer.Serialize(t.Split(cases[i]))}");
        }
        Assert.True(wrong.Count == 0, $"{model}: {wrong.Count} of {cases.Length} cases differ:\n" + string.Join("\n", wrong));
        Assert.Contains(unk, ids.SelectMany(c => c.EnumerateArray()).Select(v => v.GetInt32()));   // the cases do reach the unknown piece
        Assert.Equal("sentencepiece", t.Kind);
    }

    [Fact]
    public void SentencePiece_MalformedModel_IsInvalidDataNamingTheFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"seqpack-{Guid.NewGuid():N}.model");
        File.WriteAllText(path, "this is not a protobuf model");
        try
        {
            var ex = Assert.Throws<InvalidDataException>(() => SubwordTokenizer.SentencePiece(path));
            Assert.Contains(path, ex.Message);
            Assert.Contains(".model file", ex.Message);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Bpe_MalformedVocabulary_IsInvalidDataNamingTheFiles()
    {
        var path = Path.Combine(Path.GetTempPath(), $"seqpack-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, "[not json");
        try
        {
            var ex = Assert.Throws<InvalidDataException>(() => SubwordTokenizer.Bpe(path, Fixture("bpe-merges.txt")));
            Assert.Contains(path, ex.Message);
        }
        finally { File.Delete(path); }
    }
}

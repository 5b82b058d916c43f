using SeqPack.Data;

namespace SeqPack.Tests.Data;

public class VocabularyTests
{
    [Fact]
    public void Build_OrdersByCountThenOrdinal_AppliesMinCountAndMaxSize()
    {
        var seqs = new[] { new[] { "b", "a", "c", "a" }, new[] { "b", "d", "a" } };
        var v = Vocabulary.Build(seqs);
        Assert.Equal(["<pad>", "<unk>", "a", "b", "c", "d"], v.Tokens);
        Assert.Equal(["<pad>", "<unk>", "a", "b"], Vocabulary.Build(seqs, minCount: 2).Tokens);
        Assert.Equal(["<pad>", "<unk>", "a"], Vocabulary.Build(seqs, maxSize: 3).Tokens);
    }

    [Fact]
    public void Encode_UnknownTokensAreOne_RoundTripThroughTokens()
    {
        var v = Vocabulary.Build([["x", "y"]]);
        Assert.Equal([2, 1, 3], v.Encode(["x", "zzz", "y"]));
        var restored = Vocabulary.FromTokens(v.Tokens);
        Assert.Equal(v.Tokens, restored.Tokens);
        Assert.Throws<ArgumentException>(() => Vocabulary.FromTokens(["x", "<unk>"]));
    }

    [Fact]
    public void Tokenizer_CharsAreRunes_WordsSplitPunctuation()
    {
        Assert.Equal(["a", "😀", "b"], new Tokenizer(TokenizerKind.Chars).Split("a😀b"));
        Assert.Equal(["hello", ",", "world", "!", "42x"], new Tokenizer(TokenizerKind.Words).Split("Hello,  world! 42x".ToLowerInvariant()));
        Assert.Equal(["héllo", "wörld"], new Tokenizer(TokenizerKind.Words, Lowercase: true).Split("HÉLLO Wörld"));
    }

    [Fact]
    public void LabelSet_IsSortedAndIndexesLabels()
    {
        var labels = new LabelSet(["spam", "ham", "spam"]);
        Assert.Equal(["ham", "spam"], labels.Labels);
        Assert.Equal(1, labels.IndexOf("spam"));
        Assert.Equal(-1, labels.IndexOf("eggs"));
    }
}

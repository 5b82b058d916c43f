using SeqPack;
using SeqPack.Data;
using SeqPack.Nn;
using SeqPack.Optim;

namespace SeqPack.Tests.Nn;

public class EmbeddingPretrainedTests
{
    private static readonly string[] Vocab = ["<pad>", "<unk>", "the", "cat", "sat"];

    [Fact]
    public void Word2VecText_FillsFoundRows_KeepsOthers_SkipsHeaderAndPadding()
    {
        var e = new Embedding(5, 3, paddingIdx: 0, rng: new Rng(1));
        var before = e.Weight.ToArray();
        var file = "4 3\n<pad> 9 9 9\nthe 0.5 -1 2e-1\ndog 1 1 1\nthe 7 7 7\nsat 1.5 2.5 3.5\n";
        var r = e.LoadPretrained(new StringReader(file), Vocab);
        Assert.Equal(new PretrainedLoadResult(Found: 2, Missing: 2, VectorsRead: 5), r);    // cat, <unk> missing
        var w = e.Weight.ToArray();
        Assert.Equal(new[] { 0f, 0f, 0f }, w[0..3]);                                   // padding row untouched
        Assert.Equal(before[3..6], w[3..6]);                                           // <unk> keeps its init
        Assert.Equal(new[] { 0.5f, -1f, 0.2f }, w[6..9]);                              // first vector of "the" wins
        Assert.Equal(before[9..12], w[9..12]);                                         // cat keeps its init
        Assert.Equal(new[] { 1.5f, 2.5f, 3.5f }, w[12..15]);
    }

    [Fact]
    public void GloVeWithoutHeader_LoadsAndBadLinesNameTheLine()
    {
        var e = new Embedding(5, 2);
        Assert.Equal(1, e.LoadPretrained(new StringReader("cat 1 2\n"), Vocab).Found);
        Assert.Equal(new[] { 1f, 2f }, e.Weight.ToArray()[6..8]);
        var wrongCount = Assert.Throws<DataFormatException>(() => e.LoadPretrained(new StringReader("cat 1 2\nsat 1\n"), Vocab, "vectors.txt"));
        Assert.Equal(2, wrongCount.Line);
        var notNumber = Assert.Throws<DataFormatException>(() => e.LoadPretrained(new StringReader("sat 1 x\n"), Vocab));
        Assert.Contains("'x'", notNumber.Message);
        Assert.Throws<DataFormatException>(() => e.LoadPretrained(new StringReader("10 300\n"), Vocab));   // header dimension differs
        Assert.Equal("vocabulary", Assert.Throws<ArgumentException>(() => e.LoadPretrained(new StringReader(""), ["a"])).ParamName);
    }

    [Fact]
    public void Freeze_StopsGradientAndUpdates_UnfreezeResumes()
    {
        var e = new Embedding(5, 2, rng: new Rng(2));
        var head = new Linear(2, 1);
        var opt = new Sgd(e.Parameters().Concat(head.Parameters()), 0.5f);
        e.Freeze();
        Assert.True(e.IsFrozen);
        var before = e.Weight.ToArray();
        head.Forward(e.Forward([2, 3])).Sum().Backward();
        opt.Step();
        Assert.Null(e.Weight.Grad);
        Assert.Equal(before, e.Weight.ToArray());
        Assert.NotNull(head.Parameters().First().Grad);
        e.Freeze(false);
        opt.ZeroGrad();
        head.Forward(e.Forward([2, 3])).Sum().Backward();
        opt.Step();
        Assert.NotEqual(before, e.Weight.ToArray());
    }
}

using SeqPack.Tests.Data;

namespace SeqPack.Tests.Cli;

public class InspectCommandTests
{
    [Fact]
    public void Inspect_ReportsLengthStatsPaddingAndWritesHistogram()
    {
        using var dir = new TempDir();
        // lengths 2, 4, 6, 8 characters: random batches of 2 pad, sorted ones less.
        var file = dir.Write("x.tsv", "a\tab\nb\tabcd\na\tabcdef\nb\tabcdefgh\n");
        var png = Path.Combine(dir.Path, "h.png");
        var (code, output) = CliRunner.Run("inspect", "--data", file, "--batch-size", "2", "--plot", png);
        Assert.True(code == 0, output);
        Assert.Contains("x.tsv: 4 texts, length in characters", output);
        Assert.Matches(@"│ 2\s+│ 6\s+│ 5\.0\s+│ 8\s+│ 8\s+│ 8\s+│ 20\s+│", output);   // min median mean p90 p99 max total
        // one pool sorted longest first: batches {8, 6} and {4, 2} pad to 2·8 + 2·4 = 24 steps for 20 real ones.
        Assert.Matches(@"bucketed \(pools of 50 batches\)\s+│ 20\s+│ 24\s+│ 16\.7%", output);
        Assert.Contains("packing skipped", output);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(png)[..4]);
    }

    [Fact]
    public void Inspect_TaggingFileCountsTokens()
    {
        using var dir = new TempDir();
        var file = dir.Write("t.tsv", "a b c\tX Y Z\nd e\tX Y\n");
        var (code, output) = CliRunner.Run("inspect", "--data", file, "--plot", Path.Combine(dir.Path, "p.png"));
        Assert.Equal(0, code);
        Assert.Contains("t.tsv: 2 sentences, length in tokens", output);
    }

    [Fact]
    public void Inspect_SubwordTokenizer_CountsItsPieces()
    {
        using var dir = new TempDir();
        // WordPiece over the fixture vocabulary: "the cats" is the, cat, ##s; "mat" one piece; "dog" one [UNK].
        var file = dir.Write("w.tsv", "a\tthe cats\nb\tmat\na\tdog\n");
        var vocab = Support.FixtureFile.PathOf(Path.Combine("tokenizers", "wordpiece-vocab.txt"));
        var (code, output) = CliRunner.Run("inspect", "--data", file, "--tokenizer", $"WordPiece:{vocab}", "--plot", Path.Combine(dir.Path, "p.png"));
        Assert.True(code == 0, output);
        Assert.Contains("w.tsv: 3 texts, length in wordpiece pieces", output);
        Assert.Matches(@"│ 1\s+│ 1\s+│ 1\.7\s+│ 3\s+│ 3\s+│ 3\s+│ 5\s+│", output);
    }
}

using SeqPack.Cli.Commands;

namespace SeqPack.Tests.Cli;

public class BenchRecordTests
{
    // A line exactly as shared/peer/run.sh printed it on this machine.
    private const string PeerLine =
        "{\"impl\":\"pytorch-2.10.0.0\",\"workload\":\"lstm-s\",\"mode\":\"train\",\"layout\":\"padded\",\"threads\":2,\"tokens\":4231,\"padded_tokens\":12000,\"median_ms\":204.377,\"min_ms\":195.898,\"tokens_per_s\":20702}";

    [Fact]
    public void Parse_ReadsAPeerLine()
    {
        var r = BenchRecord.Parse(PeerLine)!;
        Assert.Equal(new BenchRecord("pytorch-2.10.0.0", "lstm-s", "train", "padded", 2, 4231, 12000, 204.377, 195.898, 20702), r);
    }

    [Fact]
    public void ToJsonLine_FormatsLikeThePeer()
    {
        var r = new BenchRecord("pytorch-2.10.0.0", "lstm-s", "train", "padded", 2, 4231, 12000, 204.377, 195.898, 20702.4);
        Assert.Equal(PeerLine, r.ToJsonLine());
    }

    [Fact]
    public void ToJsonLine_RoundsLikeThePeer()
    {
        var r = new BenchRecord("seqpack-0.1.0", "gru-m", "infer", "packed", 1, 8649, 24768, 12.34567, 1.0, 700567.5);
        Assert.Equal(
            "{\"impl\":\"seqpack-0.1.0\",\"workload\":\"gru-m\",\"mode\":\"infer\",\"layout\":\"packed\",\"threads\":1,\"tokens\":8649,\"padded_tokens\":24768,\"median_ms\":12.346,\"min_ms\":1.000,\"tokens_per_s\":700568}",
            r.ToJsonLine());
    }

    [Fact]
    public void FromTimes_TakesThePeersMedianAndTokenRate()
    {
        // The peer sorts and takes times[n / 2]: the upper middle one for an even count.
        var odd = BenchRecord.FromTimes("x", "lstm-m", "train", "packed", 2, 1000, 3000, [30.0, 10.0, 20.0]);
        Assert.Equal((20.0, 10.0, 50000.0), (odd.MedianMs, odd.MinMs, odd.TokensPerSecond));
        var even = BenchRecord.FromTimes("x", "lstm-m", "train", "packed", 2, 1000, 3000, [40.0, 10.0, 30.0, 20.0]);
        Assert.Equal(30.0, even.MedianMs);
    }

    [Fact]
    public void FromTimes_WithoutTimes_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => BenchRecord.FromTimes("x", "w", "train", "packed", 2, 1, 1, []));
        Assert.Equal("timesMs", e.ParamName);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("# libtorch 2.10.0.0, 2 threads")]
    public void Parse_SkipsBlankAndCommentLines(string line) => Assert.Null(BenchRecord.Parse(line));

    [Theory]
    [InlineData("not json", "")]
    [InlineData("[1,2]", "JSON object")]
    [InlineData("{\"impl\":\"p\",\"workload\":\"w\",\"mode\":\"m\",\"layout\":\"l\",\"threads\":2}", "tokens")]
    [InlineData("{\"impl\":\"p\",\"workload\":\"w\",\"mode\":\"m\",\"layout\":\"l\",\"threads\":\"2\"}", "threads")]
    public void Parse_RejectsOtherLines_NamingTheLine(string line, string detail)
    {
        var e = Assert.Throws<FormatException>(() => BenchRecord.Parse(line, 7));
        Assert.StartsWith("Line 7 ", e.Message);
        Assert.Contains(detail, e.Message);
    }

    [Fact]
    public void ReadFile_ReadsEveryRecordAndSkipsComments()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(path, ["# libtorch", PeerLine, "", PeerLine.Replace("\"train\"", "\"infer\"")]);
            var records = BenchRecord.ReadFile(path);
            Assert.Equal(["train", "infer"], records.Select(r => r.Mode));
        }
        finally { File.Delete(path); }
    }
}

using System.Text;
using SeqPack.Data;

namespace SeqPack.Tests.Data;

/// <summary>
/// Issue 26, bounded memory: a single line longer than <see cref="DataReaderOptions.MaxLineBytes"/> is streamed,
/// never held whole (a 50 MB row made `train` grow to 21 GB): classification text is cut with a warning, a
/// tagging row, a JSON object or a CSV record that would be damaged by the cut is a malformed row.
/// </summary>
[Collection(WarningsCollection.Name)]
public class LongLineTests
{
    private static Dataset Read(byte[] bytes, string name, DataReaderOptions options) =>
        DataReader.Read(new MemoryStream(bytes), name, options);

    [Fact]
    public void HugeClassificationLine_ReadWithinTheLimit_AllocatingNoMoreThanTheLimit()
    {
        var line = new byte[20 << 20];
        Array.Fill(line, (byte)'a');
        var file = Encoding.UTF8.GetBytes("ham\t").Concat(line).Concat("\nspam\twin\n"u8.ToArray()).ToArray();
        var warnings = new List<string>();
        void Collect(string w) => warnings.Add(w);
        Warnings.Raised += Collect;
        try
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            var data = Read(file, "big.tsv", new DataReaderOptions { MaxLineBytes = 64 << 10 });
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(2, data.Count);
            Assert.Equal((64 << 10) - 4, data.Texts[0].Text.Length);              // the limit counts the label and the tab
            Assert.True(allocated < 4 << 20, $"reading allocated {allocated} bytes for a {file.Length}-byte file with a 64 KiB line limit");
        }
        finally
        {
            Warnings.Raised -= Collect;
        }
        var warning = Assert.Single(warnings);
        Assert.Contains("big.tsv:1: the line is 20971524 bytes long; its text was cut to the limit of 65536 bytes", warning);
    }

    [Fact]
    public void CutLine_NeverSplitsAUtf8Character()
    {
        var file = Encoding.UTF8.GetBytes("ham\t" + new string('é', 100) + "\n");     // 2 bytes each
        var data = Read(file, "x.tsv", new DataReaderOptions { MaxLineBytes = 9 });   // 4 + 5 bytes: two and a half characters
        Assert.Equal("éé", data.Texts[0].Text);
    }

    [Fact]
    public void LongTaggingLine_IsAMalformedRow_NotCut()
    {
        var tokens = string.Join(" ", Enumerable.Repeat("w", 100));
        var tags = string.Join(" ", Enumerable.Repeat("T", 100));
        var file = Encoding.UTF8.GetBytes($"a b\tX Y\n{tokens}\t{tags}\n");
        var e = Assert.Throws<DataFormatException>(() => Read(file, "t.tsv", new DataReaderOptions { MaxLineBytes = 50, Task = TaskKind.Tag }));
        Assert.Equal(2, e.Line);
        Assert.Contains("more than the limit of 50 bytes per line", e.Problem);
    }

    [Fact]
    public void LongJsonLine_IsAMalformedRow()
    {
        var file = Encoding.UTF8.GetBytes("{\"text\":\"" + new string('x', 200) + "\",\"label\":\"a\"}\n");
        var e = Assert.Throws<DataFormatException>(() => Read(file, "x.jsonl", new DataReaderOptions { MaxLineBytes = 100 }));
        Assert.Contains("more than the limit of 100 bytes per line", e.Problem);
    }

    [Fact]
    public void CsvQuoteNeverClosed_StopsAtTheLimit()
    {
        var sb = new StringBuilder("label,text\na,\"open\n");
        for (int i = 0; i < 200; i++) sb.Append("more text\n");
        var e = Assert.Throws<DataFormatException>(() => Read(Encoding.UTF8.GetBytes(sb.ToString()), "x.csv", new DataReaderOptions { MaxLineBytes = 100 }));
        Assert.Contains("runs past 100 characters", e.Problem);
    }

    [Fact]
    public void LinesWithinTheLimit_ReadAsBefore_CrLfAndBom()
    {
        var data = Read([0xEF, 0xBB, 0xBF, .. "ham\thi\r\nspam\twin"u8], "x.tsv", new DataReaderOptions());
        Assert.Equal([new LabeledText("hi", "ham"), new LabeledText("win", "spam")], data.Texts);
    }
}

/// <summary>Tests that subscribe to the process-wide <see cref="Warnings.Raised"/> run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class WarningsCollection
{
    public const string Name = "Warnings";
}

using System.Text;
using SeqPack.Data;

namespace SeqPack.Tests.Data;

public class DataReaderTests
{
    [Fact]
    public void Tsv_Classification_ReadsLabelThenText()
    {
        using var dir = new TempDir();
        var file = dir.Write("a.tsv", "ham\thello there\nspam\tWIN £100 now!\n\n");
        var data = DataReader.Read(file);
        Assert.Equal(TaskKind.Classify, data.Task);
        Assert.Equal([new LabeledText("hello there", "ham"), new LabeledText("WIN £100 now!", "spam")], data.Texts);
        Assert.Equal(0, data.SkippedRows);
    }

    [Fact]
    public void Tsv_Tagging_IsInferredFromEqualCounts()
    {
        using var dir = new TempDir();
        var file = dir.Write("b.tsv", "The cat sat .\tDET NOUN VERB PUNCT\r\nHi\tINTJ\r\n");
        var data = DataReader.Read(file);
        Assert.Equal(TaskKind.Tag, data.Task);
        Assert.Equal(2, data.Sentences.Count);
        Assert.Equal(["The", "cat", "sat", "."], data.Sentences[0].Tokens);
        Assert.Equal(["DET", "NOUN", "VERB", "PUNCT"], data.Sentences[0].Tags);
    }

    [Fact]
    public void ShippedDatasets_ReadWithTheirDocumentedCounts()
    {
        string root = RepoRoot();
        var sms = DataReader.Read(Path.Combine(root, "data/sms-spam/sms-spam.tsv"));
        Assert.Equal(TaskKind.Classify, sms.Task);
        Assert.Equal(5574, sms.Count);
        Assert.Equal(747, sms.Texts.Count(t => t.Label == "spam"));
        var pos = DataReader.Read(Path.Combine(root, "data/ud-ewt-pos/dev.tsv"));
        Assert.Equal(TaskKind.Tag, pos.Task);
        Assert.Equal(2001, pos.Count);
    }

    [Theory]
    [InlineData("ham\tok\nspam\n", 2, "expected 2 tab-separated columns, found 1")]
    [InlineData("ham\tok\nspam\ta\tb\n", 2, "expected 2 tab-separated columns, found 3")]
    [InlineData("ham\tok\n\nham\t   \n", 3, "the text is empty")]
    [InlineData("a b c\tX Y Z\na b\tX Y\na b\tX Y\na b\tX Y\na b\tX Y\na b\tX Y\na b\tX Y\na b\tX Y\na b\tX Y\nd e\tX\n", 10, "2 tokens but 1 tags")]
    public void Tsv_MalformedRow_NamesFileAndLine(string content, int line, string problem)
    {
        using var dir = new TempDir();
        var file = dir.Write("bad.tsv", content);
        var e = Assert.Throws<DataFormatException>(() => DataReader.Read(file));
        Assert.Equal(file, e.File);
        Assert.Equal(line, e.Line);
        Assert.Contains(problem, e.Problem);
        Assert.StartsWith($"{file}:{line}: ", e.Message);
    }

    [Fact]
    public void InvalidUtf8_NamesTheLine_AndSkipBadRowsCountsIt()
    {
        using var dir = new TempDir();
        var bytes = Encoding.UTF8.GetBytes("ham\tgood\nspam\tbad ").Concat(new byte[] { 0xC3, 0x28 })
            .Concat(Encoding.UTF8.GetBytes("\nham\tfine\n")).ToArray();
        var file = dir.WriteBytes("u.tsv", bytes);
        var e = Assert.Throws<DataFormatException>(() => DataReader.Read(file));
        Assert.Equal(2, e.Line);
        Assert.Contains("not valid UTF-8", e.Problem);

        var data = DataReader.Read(file, new DataReaderOptions { SkipBadRows = true });
        Assert.Equal(1, data.SkippedRows);
        Assert.Equal(["good", "fine"], data.Texts.Select(t => t.Text));
    }

    [Fact]
    public void Csv_QuotedFieldsWithCommasQuotesAndNewlines()
    {
        using var dir = new TempDir();
        var file = dir.Write("c.csv", "id,text,label\n1,\"hello, \"\"world\"\"\",pos\n2,\"two\nlines\",neg\n3,plain,pos\n");
        var data = DataReader.Read(file);
        Assert.Equal(TaskKind.Classify, data.Task);
        Assert.Equal([new("hello, \"world\"", "pos"), new("two\nlines", "neg"), new LabeledText("plain", "pos")], data.Texts);
    }

    [Fact]
    public void Csv_ColumnOptions_AndWrongColumnCountNamesRecordStartLine()
    {
        using var dir = new TempDir();
        var file = dir.Write("d.csv", "sentiment,review\npos,\"multi\nline\"\nneg,a,b\n");
        var options = new DataReaderOptions { TextColumn = "review", LabelColumn = "sentiment" };
        var e = Assert.Throws<DataFormatException>(() => DataReader.Read(file, options));
        Assert.Equal(4, e.Line);
        Assert.Contains("expected 2 columns", e.Problem);

        var missing = Assert.Throws<DataFormatException>(() => DataReader.Read(file));
        Assert.Equal(1, missing.Line);
        Assert.Contains("lacks the column 'label'", missing.Problem);
    }

    [Fact]
    public void Csv_Tagging_ByHeader()
    {
        using var dir = new TempDir();
        var file = dir.Write("t.csv", "tokens,tags\n\"a b\",\"X Y\"\n");
        var data = DataReader.Read(file);
        Assert.Equal(TaskKind.Tag, data.Task);
        Assert.Equal(["X", "Y"], data.Sentences[0].Tags);
    }

    [Fact]
    public void Jsonl_BothTasks_AndErrors()
    {
        using var dir = new TempDir();
        var cls = dir.Write("c.jsonl", "{\"text\":\"hi\",\"label\":\"a\"}\n{\"text\":\"yo\",\"label\":3}\n");
        Assert.Equal([new("hi", "a"), new LabeledText("yo", "3")], DataReader.Read(cls).Texts);

        var tag = dir.Write("t.jsonl", "{\"tokens\":[\"a\",\"b\"],\"tags\":[\"X\",\"Y\"]}\n");
        var data = DataReader.Read(tag);
        Assert.Equal(TaskKind.Tag, data.Task);
        Assert.Equal(["a", "b"], data.Sentences[0].Tokens);

        var bad = dir.Write("b.jsonl", "{\"text\":\"hi\",\"label\":\"a\"}\n{\"text\":\"hi\"\n");
        var e = Assert.Throws<DataFormatException>(() => DataReader.Read(bad));
        Assert.Equal(2, e.Line);
        Assert.Contains("invalid JSON", e.Problem);

        var mismatch = dir.Write("m.jsonl", "{\"tokens\":[\"a\",\"b\"],\"tags\":[\"X\"]}\n");
        Assert.Contains("2 tokens but 1 tags", Assert.Throws<DataFormatException>(() => DataReader.Read(mismatch)).Problem);
    }

    [Fact]
    public void SkipBadRows_CountsEveryKind()
    {
        using var dir = new TempDir();
        var file = dir.Write("s.tsv", "ham\tok\nnolabel\nham\t\n\tno label\nspam\tyes\n");
        var data = DataReader.Read(file, new DataReaderOptions { SkipBadRows = true });
        Assert.Equal(3, data.SkippedRows);
        Assert.Equal(["ok", "yes"], data.Texts.Select(t => t.Text));
    }

    internal static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SeqPack.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("SeqPack.sln not found above the test binaries.");
    }
}

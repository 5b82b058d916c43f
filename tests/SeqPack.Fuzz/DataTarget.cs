using SeqPack.Data;

namespace SeqPack.Fuzz;

/// <summary>
/// The data readers (TSV, CSV, JSONL): the first byte picks the format, the task and whether bad rows are
/// skipped; the rest is the file. The line limit is small so that cut lines are reached. Bad input may only end
/// in a <see cref="DataFormatException"/>.
/// </summary>
internal static class DataTarget
{
    private static readonly string[] Names = ["fuzz.tsv", "fuzz.csv", "fuzz.jsonl"];

    public static void Run(Stream input)
    {
        int selector = input.ReadByte();
        if (selector < 0) return;
        var options = new DataReaderOptions
        {
            Task = ((selector >> 2) % 3) switch { 0 => null, 1 => TaskKind.Classify, _ => TaskKind.Tag },
            SkipBadRows = (selector & 0x80) != 0,
            MaxLineBytes = 200,
        };
        try
        {
            var data = DataReader.Read(input, Names[(selector & 3) % 3], options);
            // What a caller does next: every row has a label (or as many tags as tokens).
            foreach (var t in data.Texts)
                if (t.Text.Length == 0 || t.Label.Length == 0) throw new InvalidOperationException("an empty text or label was returned");
            foreach (var s in data.Sentences)
                if (s.Tokens.Length != s.Tags.Length || s.Tokens.Length == 0) throw new InvalidOperationException("tokens and tags differ in count");
        }
        catch (DataFormatException)
        {
        }
    }
}

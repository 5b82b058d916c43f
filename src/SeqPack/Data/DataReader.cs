using System.Text.Json;

namespace SeqPack.Data;

/// <summary>
/// Reads classification (<c>label&lt;TAB&gt;text</c>) and tagging (<c>tokens&lt;TAB&gt;tags</c>) data from TSV,
/// CSV (header line, RFC 4180 quoting) and JSONL files, strictly as UTF-8.
/// </summary>
/// <remarks>
/// A malformed row (wrong number of columns, a token/tag count mismatch, an empty text or label, bytes that
/// are not UTF-8, JSON that does not parse) throws <see cref="DataFormatException"/> naming the file and the
/// line, unless <see cref="DataReaderOptions.SkipBadRows"/> is set: then it is skipped and counted. Empty lines
/// are ignored. Tokens and tags are separated by single spaces or runs of whitespace.
/// </remarks>
public static class DataReader
{
    private const int MaxCutWarnings = 3;

    /// <summary>Reads <paramref name="path"/>, inferring the format and the task unless <paramref name="options"/> fixes them.</summary>
    public static Dataset Read(string path, DataReaderOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"The data file '{path}' does not exist; check the path.", path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        return Read(stream, path, options);
    }

    /// <summary>
    /// Reads the data file held by <paramref name="stream"/>; <paramref name="name"/> stands for the file in messages
    /// and, unless <paramref name="options"/> fixes the format, gives it by its extension.
    /// </summary>
    public static Dataset Read(Stream stream, string name, DataReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrEmpty(name);
        options ??= new DataReaderOptions();
        if (options.MaxLineBytes < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxLineBytes, "DataReaderOptions.MaxLineBytes must be at least 1.");
        var format = options.Format ?? FormatOf(name);
        var lines = Utf8Lines.Read(stream, options.MaxLineBytes);
        var rows = format switch
        {
            DataFileFormat.Tsv => TsvRows(lines, options.MaxLineBytes),
            DataFileFormat.Csv => CsvRows(name, lines, options),
            _ => JsonRows(lines, options),
        };
        var task = options.Task ?? InferTask(format, rows);
        return Build(name, task, rows, options);
    }

    /// <summary>The format that the extension of <paramref name="path"/> names: .csv, .jsonl/.json, otherwise TSV.</summary>
    public static DataFileFormat FormatOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".csv" => DataFileFormat.Csv,
        ".jsonl" or ".json" or ".ndjson" => DataFileFormat.Jsonl,
        _ => DataFileFormat.Tsv,
    };

    /// <summary>A row before it is checked: (first, second) are (label, text) or (tokens, tags) depending on the task.</summary>
    private sealed record Row(int Line, string? First, string? Second, string[]? FirstList, string[]? SecondList, string? Error)
    {
        /// <summary>The full length in bytes of a line that was cut at the line limit; 0 for a whole line.</summary>
        public long CutFrom { get; init; }
    }

    private static string TooLong(RawLine line, int limit) =>
        $"the line is {line.Bytes} bytes long, more than the limit of {limit} bytes per line (a longer --max-length raises it)";

    private static List<Row> TsvRows(List<RawLine> lines, int maxLineBytes)
    {
        var rows = new List<Row>();
        foreach (var line in lines)
        {
            if (line.Text is null) { rows.Add(new Row(line.Number, null, null, null, null, "the line is not valid UTF-8")); continue; }
            if (line.Text.Length == 0) continue;
            var parts = line.Text.Split('\t');
            rows.Add(parts.Length == 2
                ? new Row(line.Number, parts[0], parts[1], null, null, null) { CutFrom = line.Cut ? line.Bytes : 0 }
                : new Row(line.Number, null, null, null, null, line.Cut && parts.Length < 2 ? TooLong(line, maxLineBytes) : $"expected 2 tab-separated columns, found {parts.Length}"));
        }
        return rows;
    }

    private static List<Row> CsvRows(string path, List<RawLine> lines, DataReaderOptions options)
    {
        var rows = new List<Row>();
        string[]? header = null;
        int first = -1, second = -1;
        bool tagging = false;
        foreach (var record in CsvRecords.Parse(lines, options.MaxLineBytes))
        {
            if (header is null)
            {
                if (record.Fields is null) throw new DataFormatException(path, record.Line, $"the header line cannot be read: {record.Error}");
                header = record.Fields.Select(f => f.Trim()).ToArray();
                tagging = options.Task == TaskKind.Tag ||
                    (options.Task is null && Array.IndexOf(header, options.TokensColumn) >= 0 && Array.IndexOf(header, options.TextColumn) < 0);
                var (a, b) = tagging ? (options.TokensColumn, options.TagsColumn) : (options.LabelColumn, options.TextColumn);
                first = Array.IndexOf(header, a);
                second = Array.IndexOf(header, b);
                if (first < 0 || second < 0)
                    throw new DataFormatException(path, record.Line,
                        $"the header ({string.Join(",", header)}) lacks the column '{(first < 0 ? a : b)}'; name the columns with the column options " +
                        $"(classification: '{options.TextColumn}' and '{options.LabelColumn}'; tagging: '{options.TokensColumn}' and '{options.TagsColumn}')");
                continue;
            }
            if (record.Fields is null) { rows.Add(new Row(record.Line, null, null, null, null, record.Error)); continue; }
            rows.Add(record.Fields.Length == header.Length
                ? tagging
                    ? new Row(record.Line, null, null, SplitTokens(record.Fields[first]), SplitTokens(record.Fields[second]), null)
                    : new Row(record.Line, record.Fields[first], record.Fields[second], null, null, null)
                : new Row(record.Line, null, null, null, null, $"expected {header.Length} columns as in the header, found {record.Fields.Length}"));
        }
        if (header is null) throw new DataFormatException(path, 1, "the CSV file has no header line; the first line must name the columns");
        return rows;
    }

    private static List<Row> JsonRows(List<RawLine> lines, DataReaderOptions options)
    {
        var rows = new List<Row>();
        foreach (var line in lines)
        {
            if (line.Cut) { rows.Add(new Row(line.Number, null, null, null, null, TooLong(line, options.MaxLineBytes))); continue; }
            if (line.Text is null) { rows.Add(new Row(line.Number, null, null, null, null, "the line is not valid UTF-8")); continue; }
            if (string.IsNullOrWhiteSpace(line.Text)) continue;
            try
            {
                using var doc = JsonDocument.Parse(line.Text);
                var root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object) { rows.Add(new Row(line.Number, null, null, null, null, "expected a JSON object")); continue; }
                if (root.TryGetProperty(options.TokensColumn, out var tokens) && !root.TryGetProperty(options.TextColumn, out _))
                {
                    root.TryGetProperty(options.TagsColumn, out var tags);
                    rows.Add(new Row(line.Number, null, null, JsonList(tokens), JsonList(tags),
                        tags.ValueKind == JsonValueKind.Undefined ? $"the object has '{options.TokensColumn}' but no '{options.TagsColumn}'" : null));
                }
                else
                {
                    string? text = root.TryGetProperty(options.TextColumn, out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
                    string? label = root.TryGetProperty(options.LabelColumn, out var l) ? JsonScalar(l) : null;
                    string? error = text is null ? $"the object has no string '{options.TextColumn}' (nor '{options.TokensColumn}' for tagging)"
                        : label is null ? $"the object has no '{options.LabelColumn}'" : null;
                    rows.Add(new Row(line.Number, label, text, null, null, error));
                }
            }
            catch (JsonException e)
            {
                rows.Add(new Row(line.Number, null, null, null, null, $"invalid JSON: {e.Message}"));
            }
        }
        return rows;
    }

    private static string[]? JsonList(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Array => e.EnumerateArray().Select(x => JsonScalar(x) ?? "").ToArray(),
        JsonValueKind.String => SplitTokens(e.GetString()!),
        _ => null,
    };

    private static string? JsonScalar(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => e.GetRawText(),
        _ => null,
    };

    private static string[] SplitTokens(string s) => s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

    /// <summary>
    /// TSV: tagging when, on the first 200 well-formed rows, at least 90% have the same number of
    /// space-separated items in both columns and some row has more than one (so that one malformed row is
    /// reported as a count mismatch rather than turning the file into classification); otherwise
    /// classification (label first).
    /// </summary>
    private static TaskKind InferTask(DataFileFormat format, List<Row> rows)
    {
        var good = rows.Where(r => r.Error is null).Take(200).ToList();
        if (good.Count == 0) return TaskKind.Classify;
        if (good.Any(r => r.FirstList is not null)) return TaskKind.Tag;
        if (format != DataFileFormat.Tsv) return TaskKind.Classify;   // CSV and JSONL say it by their column names
        int sameCounts = good.Count(r => SplitTokens(r.First!).Length == SplitTokens(r.Second!).Length);
        bool someLonger = good.Any(r => SplitTokens(r.First!).Length > 1);
        return sameCounts >= 0.9 * good.Count && someLonger ? TaskKind.Tag : TaskKind.Classify;
    }

    private static Dataset Build(string path, TaskKind task, List<Row> rows, DataReaderOptions options)
    {
        var texts = new List<LabeledText>();
        var sentences = new List<TaggedSentence>();
        int skipped = 0, cut = 0;
        foreach (var row in rows)
        {
            string? error = row.Error;
            if (error is null && row.CutFrom > 0 && task == TaskKind.Tag)
                error = TooLong(new RawLine(row.Line, null, true, row.CutFrom), options.MaxLineBytes);
            if (error is null && task == TaskKind.Classify)
            {
                string label = (row.First ?? "").Trim();
                string text = row.Second ?? "";
                if (row.FirstList is not null) error = "a tagging row (tokens/tags) in a classification file";
                else if (label.Length == 0) error = "the label is empty";
                else if (string.IsNullOrWhiteSpace(text)) error = "the text is empty";
                else
                {
                    texts.Add(new LabeledText(text, label));
                    // A classifier reads a prefix of a text as well as the whole; cutting keeps memory bounded.
                    if (row.CutFrom > 0 && ++cut <= MaxCutWarnings)
                        Warnings.Warn($"{path}:{row.Line}: the line is {row.CutFrom} bytes long; its text was cut to the limit of {options.MaxLineBytes} bytes per line.");
                }
            }
            else if (error is null)
            {
                var tokens = row.FirstList ?? SplitTokens(row.First ?? "");
                var tags = row.SecondList ?? SplitTokens(row.Second ?? "");
                if (tokens.Length == 0) error = "the sentence has no tokens";
                else if (tokens.Length != tags.Length) error = $"{tokens.Length} tokens but {tags.Length} tags; each token needs exactly one tag";
                else if (tokens.Any(string.IsNullOrEmpty) || tags.Any(string.IsNullOrEmpty)) error = "an empty token or tag";
                else sentences.Add(new TaggedSentence(tokens, tags));
            }
            if (error is null) continue;
            if (!options.SkipBadRows) throw new DataFormatException(path, row.Line, error + " (fix the row, or skip bad rows)");
            skipped++;
        }
        if (cut > MaxCutWarnings)
            Warnings.Warn($"{path}: {cut} lines in all were cut to the limit of {options.MaxLineBytes} bytes per line.");
        return new Dataset(path, task, texts, sentences, skipped);
    }
}

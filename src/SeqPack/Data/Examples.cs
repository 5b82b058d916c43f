namespace SeqPack.Data;

/// <summary>What a data file is for: one label per text, or one tag per token.</summary>
public enum TaskKind
{
    /// <summary>Sequence classification: <c>label&lt;TAB&gt;text</c>.</summary>
    Classify,
    /// <summary>Sequence tagging: <c>tokens&lt;TAB&gt;tags</c>, one tag per token.</summary>
    Tag,
}

/// <summary>The file formats the readers understand.</summary>
public enum DataFileFormat
{
    /// <summary>Tab-separated, no header: <c>label&lt;TAB&gt;text</c> or <c>tokens&lt;TAB&gt;tags</c>.</summary>
    Tsv,
    /// <summary>Comma-separated with a header line, RFC 4180 quoting.</summary>
    Csv,
    /// <summary>One JSON object per line: <c>{"text","label"}</c> or <c>{"tokens","tags"}</c>.</summary>
    Jsonl,
}

/// <summary>One text with its class label.</summary>
public sealed record LabeledText(string Text, string Label);

/// <summary>One sentence: its tokens and one tag per token (the two arrays have the same length).</summary>
public sealed record TaggedSentence(string[] Tokens, string[] Tags);

/// <summary>
/// The rows of one file. Exactly one of <see cref="Texts"/> (classification) and <see cref="Sentences"/>
/// (tagging) is non-empty for a non-empty file; <see cref="SkippedRows"/> counts the malformed rows skipped
/// under <see cref="DataReaderOptions.SkipBadRows"/>.
/// </summary>
public sealed record Dataset(string File, TaskKind Task, IReadOnlyList<LabeledText> Texts,
    IReadOnlyList<TaggedSentence> Sentences, int SkippedRows)
{
    /// <summary>The number of examples (texts or sentences).</summary>
    public int Count => Task == TaskKind.Classify ? Texts.Count : Sentences.Count;
}

/// <summary>Options for <see cref="DataReader"/>.</summary>
public sealed record DataReaderOptions
{
    /// <summary>Skip malformed rows and count them instead of throwing <see cref="DataFormatException"/>.</summary>
    public bool SkipBadRows { get; init; }

    /// <summary>The task; null infers it from the file (columns of a CSV, keys of JSONL, column shapes of a TSV).</summary>
    public TaskKind? Task { get; init; }

    /// <summary>The format; null infers it from the extension (.tsv/.txt, .csv, .jsonl/.json).</summary>
    public DataFileFormat? Format { get; init; }

    /// <summary>CSV/JSONL column holding the text (classification).</summary>
    public string TextColumn { get; init; } = "text";

    /// <summary>CSV/JSONL column holding the label (classification).</summary>
    public string LabelColumn { get; init; } = "label";

    /// <summary>CSV/JSONL column holding the space-separated tokens (tagging; a JSON array in JSONL).</summary>
    public string TokensColumn { get; init; } = "tokens";

    /// <summary>CSV/JSONL column holding the space-separated tags (tagging; a JSON array in JSONL).</summary>
    public string TagsColumn { get; init; } = "tags";

    /// <summary>The default of <see cref="MaxLineBytes"/>: 1 MiB.</summary>
    public const int DefaultMaxLineBytes = 1 << 20;

    /// <summary>
    /// The longest line read whole, in bytes. A longer line is never held in memory beyond this: its text is cut
    /// with a warning (<see cref="Warnings"/>) for classification TSV, and it is a malformed row otherwise
    /// (a cut tagging row or JSON object would be wrong, not shorter).
    /// </summary>
    public int MaxLineBytes { get; init; } = DefaultMaxLineBytes;
}

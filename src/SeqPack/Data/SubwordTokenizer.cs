using Microsoft.ML.Tokenizers;

namespace SeqPack.Data;

/// <summary>
/// A sub-word tokeniser loaded from the vocabulary files a user gives, through Microsoft.ML.Tokenizers:
/// byte-pair encoding (Sennrich et al. 2016) from a <c>vocab.json</c> and a <c>merges.txt</c>, or WordPiece
/// (Schuster and Nakajima 2012, as BERT uses it) from a <c>vocab.txt</c> of one token per line.
/// <see cref="Split"/> gives the sub-word strings, which SeqPack's <see cref="Vocabulary"/> then numbers
/// like any other tokens; <see cref="EncodeToIds"/> gives the file's own ids.
/// </summary>
public sealed class SubwordTokenizer
{
    private readonly Microsoft.ML.Tokenizers.Tokenizer inner;

    private SubwordTokenizer(Microsoft.ML.Tokenizers.Tokenizer inner, string kind, IReadOnlyList<string> files)
    {
        this.inner = inner;
        Kind = kind;
        Files = files;
    }

    /// <summary>"bpe" or "wordpiece".</summary>
    public string Kind { get; }

    /// <summary>The vocabulary files the tokeniser was loaded from, in the order the factory takes them.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>BPE from a JSON map of token to id and a merges file (one "left right" pair per line, optional "#version" line).</summary>
    public static SubwordTokenizer Bpe(string vocabPath, string mergesPath)
    {
        CheckFile(vocabPath, nameof(vocabPath));
        CheckFile(mergesPath, nameof(mergesPath));
        return Load(() => BpeTokenizer.Create(vocabPath, mergesPath), "bpe", [vocabPath, mergesPath]);
    }

    /// <summary>
    /// WordPiece from a vocabulary of one token per line (continuations prefixed "##", unknown token "[UNK]"),
    /// with the package's default pre-tokenisation: words are split at white space only, so a word with
    /// attached punctuation that the vocabulary cannot spell becomes "[UNK]".
    /// </summary>
    public static SubwordTokenizer WordPiece(string vocabPath)
    {
        CheckFile(vocabPath, nameof(vocabPath));
        return Load(() => WordPieceTokenizer.Create(vocabPath), "wordpiece", [vocabPath]);
    }

    /// <summary>The sub-word tokens of <paramref name="text"/>.</summary>
    public string[] Split(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return inner.EncodeToTokens(text, out _).Select(t => t.Value).ToArray();
    }

    /// <summary>The ids the vocabulary file gives the tokens of <paramref name="text"/>.</summary>
    public int[] EncodeToIds(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return inner.EncodeToIds(text).ToArray();
    }

    private static void CheckFile(string path, string paramName)
    {
        ArgumentException.ThrowIfNullOrEmpty(path, paramName);
        if (!File.Exists(path))
            throw new FileNotFoundException($"The tokenizer file '{path}' ({paramName}) does not exist.", path);
    }

    private static SubwordTokenizer Load(Func<Microsoft.ML.Tokenizers.Tokenizer> create, string kind, string[] files)
    {
        try { return new SubwordTokenizer(create(), kind, files); }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException or System.Text.Json.JsonException)
        {
            throw new ArgumentException($"Could not load a {kind} tokenizer from {string.Join(" and ", files.Select(f => $"'{f}'"))}: {e.Message}", nameof(files), e);
        }
    }
}

using System.Globalization;
using System.Text;

namespace SeqPack.Data;

/// <summary>How a text is cut into tokens.</summary>
public enum TokenizerKind
{
    /// <summary>One token per Unicode scalar value (a surrogate pair is one token).</summary>
    Chars,
    /// <summary>Runs of letters, digits and marks are words; every other non-space character is a token of its own.</summary>
    Words,
    /// <summary>The pieces of a <see cref="SubwordTokenizer"/> (BPE, WordPiece or SentencePiece) loaded from the user's files.</summary>
    Subword,
}

/// <summary>
/// Cuts texts into tokens (<see cref="TokenizerKind"/>), optionally lower-casing them first (invariant culture).
/// A <see cref="TokenizerKind.Subword"/> tokenizer also needs <see cref="Subword"/>; <see cref="Parse"/> and
/// <see cref="FromSubword"/> set both.
/// </summary>
public sealed record Tokenizer(TokenizerKind Kind, bool Lowercase = false)
{
    /// <summary>The sub-word tokeniser that cuts texts when <see cref="Kind"/> is <see cref="TokenizerKind.Subword"/>, else null.</summary>
    public SubwordTokenizer? Subword { get; init; }

    /// <summary>A tokenizer that cuts texts into the pieces of <paramref name="subword"/>.</summary>
    public static Tokenizer FromSubword(SubwordTokenizer subword, bool lowercase = false)
    {
        ArgumentNullException.ThrowIfNull(subword);
        return new Tokenizer(TokenizerKind.Subword, lowercase) { Subword = subword };
    }

    /// <summary>
    /// The tokenizer named <paramref name="name"/>, case-insensitive: <c>chars</c> (or <c>char</c>), <c>words</c>
    /// (or <c>word</c>), or a sub-word tokeniser with its files, <c>wordpiece:VOCAB.txt</c>,
    /// <c>bpe:VOCAB.json,MERGES.txt</c> or <c>sentencepiece:FILE.model</c> (the kind before the first colon,
    /// the files after it separated by commas). An unknown name or a wrong number of files is an
    /// <see cref="ArgumentException"/>; a missing file a <see cref="FileNotFoundException"/>; a file that holds no
    /// such tokeniser an <see cref="InvalidDataException"/>.
    /// </summary>
    public static Tokenizer Parse(string name, bool lowercase = false)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (SubwordSpec(name) is var (kind, files))
            return FromSubword(SubwordTokenizer.Open(kind, files), lowercase);
        return name.ToLowerInvariant() switch
        {
            "chars" or "char" => new Tokenizer(TokenizerKind.Chars, lowercase),
            "words" or "word" => new Tokenizer(TokenizerKind.Words, lowercase),
            _ => throw new ArgumentException($"tokenizer '{name}' is not known; use {Forms}.", nameof(name)),
        };
    }

    /// <summary>Every form <see cref="Parse"/> reads, as a phrase for messages and help texts.</summary>
    public const string Forms = "chars, words, wordpiece:VOCAB.txt, bpe:VOCAB.json,MERGES.txt or sentencepiece:FILE.model";

    /// <summary>
    /// The sub-word kind (lower case) and files of a name of the form <c>kind:file[,file]</c>, checked for a known
    /// kind and its number of files without reading them; null for any name without a colon.
    /// </summary>
    internal static (string Kind, string[] Files)? SubwordSpec(string name)
    {
        int colon = name.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0) return null;
        string kind = name[..colon].Trim().ToLowerInvariant();
        if (!SubwordTokenizer.Layouts.TryGetValue(kind, out var layout))
            throw new ArgumentException($"tokenizer '{name}' is not known: '{kind}' is no sub-word kind; use {Forms}.", nameof(name));
        var files = name[(colon + 1)..].Split(',');
        if (files.Length != layout.Length || files.Any(f => f.Length == 0))
            throw new ArgumentException(
                $"tokenizer '{name}' needs {(layout.Length == 1 ? "one file" : $"{layout.Length} files separated by a comma")}: " +
                (kind switch { "bpe" => "bpe:VOCAB.json,MERGES.txt", "wordpiece" => "wordpiece:VOCAB.txt", _ => "sentencepiece:FILE.model" }) + ".", nameof(name));
        return (kind, files);
    }

    /// <summary>The name recorded in a run's config.json: <c>chars</c>, <c>words</c>, or the sub-word kind (<c>bpe</c>, <c>wordpiece</c>, <c>sentencepiece</c>).</summary>
    public string Name => Kind switch
    {
        TokenizerKind.Chars => "chars",
        TokenizerKind.Words => "words",
        _ => Subword?.Kind ?? "subword",
    };

    /// <summary>
    /// The tokens of <paramref name="text"/>. Sub-word pieces that the tokeniser's own files do not know (its
    /// unknown id) come out as <see cref="Vocabulary.Unk"/>, so they take the vocabulary's unknown id.
    /// </summary>
    /// <exception cref="InvalidOperationException"><see cref="Kind"/> is <see cref="TokenizerKind.Subword"/> but <see cref="Subword"/> is null.</exception>
    public string[] Split(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (Lowercase) text = text.ToLowerInvariant();
        return Kind switch
        {
            TokenizerKind.Chars => SplitChars(text),
            TokenizerKind.Words => SplitWords(text),
            _ => (Subword ?? throw new InvalidOperationException("a sub-word Tokenizer needs its Subword tokeniser; create it with Tokenizer.FromSubword or Tokenizer.Parse."))
                .Pieces(text, Vocabulary.Unk),
        };
    }

    private static string[] SplitChars(string text)
    {
        var tokens = new List<string>(text.Length);
        foreach (var rune in text.EnumerateRunes()) tokens.Add(rune.ToString());
        return tokens.ToArray();
    }

    private static string[] SplitWords(string text)
    {
        var tokens = new List<string>();
        var word = new StringBuilder();
        foreach (var rune in text.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            bool wordChar = Rune.IsLetterOrDigit(rune) || category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark;
            if (wordChar) { word.Append(rune.ToString()); continue; }
            if (word.Length > 0) { tokens.Add(word.ToString()); word.Clear(); }
            if (!Rune.IsWhiteSpace(rune)) tokens.Add(rune.ToString());
        }
        if (word.Length > 0) tokens.Add(word.ToString());
        return tokens.ToArray();
    }
}

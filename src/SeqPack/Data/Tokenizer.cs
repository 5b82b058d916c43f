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
}

/// <summary>Cuts texts into tokens (<see cref="TokenizerKind"/>), optionally lower-casing them first (invariant culture).</summary>
public sealed record Tokenizer(TokenizerKind Kind, bool Lowercase = false)
{
    /// <summary>
    /// The tokenizer named <paramref name="name"/>: <c>chars</c> (or <c>char</c>) or <c>words</c> (or <c>word</c>),
    /// case-insensitive; any other name is an <see cref="ArgumentException"/>.
    /// </summary>
    public static Tokenizer Parse(string name, bool lowercase = false)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.ToLowerInvariant() switch
        {
            "chars" or "char" => new Tokenizer(TokenizerKind.Chars, lowercase),
            "words" or "word" => new Tokenizer(TokenizerKind.Words, lowercase),
            _ => throw new ArgumentException($"tokenizer '{name}' is not known; use chars or words.", nameof(name)),
        };
    }

    /// <summary>The name <see cref="Parse"/> reads back: <c>chars</c> or <c>words</c>.</summary>
    public string Name => Kind == TokenizerKind.Chars ? "chars" : "words";

    /// <summary>The tokens of <paramref name="text"/>.</summary>
    public string[] Split(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (Lowercase) text = text.ToLowerInvariant();
        return Kind == TokenizerKind.Chars ? SplitChars(text) : SplitWords(text);
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

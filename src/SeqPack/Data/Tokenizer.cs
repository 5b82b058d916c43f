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

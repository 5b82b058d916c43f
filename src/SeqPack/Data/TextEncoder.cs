using System.Text;
using SeqPack.Data;

namespace SeqPack.Data;

/// <summary>
/// One example as ids: <paramref name="Ids"/> holds <see cref="TextEncoder.IdsPerStep"/> ids per step for
/// <paramref name="Length"/> steps; <paramref name="Label"/> is the class index of a classification example (-1 for
/// tagging) and <paramref name="Tags"/> one tag index per step of a tagging example (null for classification).
/// </summary>
public sealed record Encoded(int[] Ids, int Length, int Label, int[]? Tags);

/// <summary>
/// Turns texts and token lists into ids. Classification cuts texts with the run's tokenizer. With features
/// (the tagger's default), each token contributes three ids from one vocabulary: the lower-cased word
/// (<c>w:</c>), its last three characters (<c>s:</c>) and its shape (<c>h:</c>, e.g. <c>Xx</c>, <c>d.d</c>) — their
/// embeddings are summed, so unseen words still carry their suffix and shape.
/// </summary>
public sealed class TextEncoder
{
    private readonly TaskKind task;
    private readonly Tokenizer tokenizer;
    private readonly bool features;
    private readonly Vocabulary vocabulary;

    /// <summary>
    /// An encoder for <paramref name="task"/>: classification texts are cut by <paramref name="tokenizer"/>; with
    /// <paramref name="features"/> each token gives three ids (word, suffix, shape), otherwise one.
    /// </summary>
    public TextEncoder(TaskKind task, Tokenizer tokenizer, bool features, Vocabulary vocabulary)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(vocabulary);
        this.task = task; this.tokenizer = tokenizer; this.features = features; this.vocabulary = vocabulary;
    }

    /// <summary>The task whose input this encodes.</summary>
    public TaskKind Task => task;

    /// <summary>How classification texts are cut into tokens (its <see cref="Tokenizer.Lowercase"/> also lower-cases feature words).</summary>
    public Tokenizer Tokenizer => tokenizer;

    /// <summary>Whether each token gives word, suffix and shape ids.</summary>
    public bool Features => features;

    /// <summary>The vocabulary the ids index.</summary>
    public Vocabulary Vocabulary => vocabulary;

    /// <summary>Ids per token: 3 with features, else 1.</summary>
    public int IdsPerStep => features ? 3 : 1;

    /// <summary>The vocabulary entries of one token.</summary>
    public static IEnumerable<string> Units(string token, bool features, bool lowercase)
    {
        if (!features) { yield return token; yield break; }
        string lower = token.ToLowerInvariant();
        yield return "w:" + (lowercase ? lower : token);
        yield return "s:" + (lower.Length > 3 ? lower[^3..] : lower);
        yield return "h:" + Shape(token);
    }

    /// <summary>Word shape: upper → X, lower → x, digit → d, others kept; runs of the same class collapse.</summary>
    public static string Shape(string token)
    {
        var sb = new StringBuilder();
        foreach (char c in token)
        {
            char s = char.IsUpper(c) ? 'X' : char.IsLower(c) ? 'x' : char.IsDigit(c) ? 'd' : c;
            if (sb.Length == 0 || sb[^1] != s) sb.Append(s);
        }
        return sb.ToString();
    }

    /// <summary>The tokens of a text (classification) or the given tokens (tagging).</summary>
    public string[] Tokens(string text) => text is null ? throw new ArgumentNullException(nameof(text)) : task == TaskKind.Classify ? tokenizer.Split(text) : text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The ids of <paramref name="tokens"/>: IdsPerStep per token.</summary>
    public int[] Encode(IReadOnlyList<string> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var ids = new List<int>(tokens.Count * IdsPerStep);
        foreach (var token in tokens)
            foreach (var unit in Units(token, features, tokenizer.Lowercase))
                ids.Add(vocabulary[unit]);
        return ids.ToArray();
    }
}

using System.Text;
using SeqPack.Data;

namespace SeqPack.Cli.Training;

/// <summary>One example as ids: <see cref="Ids"/> holds IdsPerStep ids per step; a label index or one tag index per step.</summary>
internal sealed record Encoded(int[] Ids, int Length, int Label, int[]? Tags);

/// <summary>
/// Turns texts and token lists into ids. Classification cuts texts with the run's tokenizer. With features
/// (the tagger's default), each token contributes three ids from one vocabulary: the lower-cased word
/// (<c>w:</c>), its last three characters (<c>s:</c>) and its shape (<c>h:</c>, e.g. <c>Xx</c>, <c>d.d</c>) — their
/// embeddings are summed, so unseen words still carry their suffix and shape.
/// </summary>
internal sealed class TextEncoder(TaskKind task, Tokenizer tokenizer, bool features, Vocabulary vocabulary)
{
    public TaskKind Task => task;
    public Tokenizer Tokenizer => tokenizer;
    public bool Features => features;
    public Vocabulary Vocabulary => vocabulary;
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
    public string[] Tokens(string text) => task == TaskKind.Classify ? tokenizer.Split(text) : text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The ids of <paramref name="tokens"/>: IdsPerStep per token.</summary>
    public int[] Encode(IReadOnlyList<string> tokens)
    {
        var ids = new List<int>(tokens.Count * IdsPerStep);
        foreach (var token in tokens)
            foreach (var unit in Units(token, features, tokenizer.Lowercase))
                ids.Add(vocabulary[unit]);
        return ids.ToArray();
    }
}

namespace SeqPack.Data;

/// <summary>
/// A token ↔ id map with <c>&lt;pad&gt;</c> = 0 and <c>&lt;unk&gt;</c> = 1; tokens not in the vocabulary encode as 1.
/// </summary>
public sealed class Vocabulary
{
    /// <summary>The padding token, id 0.</summary>
    public const string Pad = "<pad>";
    /// <summary>The unknown token, id 1.</summary>
    public const string Unk = "<unk>";
    /// <summary>The id of <see cref="Pad"/>.</summary>
    public const int PadId = 0;
    /// <summary>The id of <see cref="Unk"/>.</summary>
    public const int UnkId = 1;

    private readonly string[] tokens;
    private readonly Dictionary<string, int> ids;

    private Vocabulary(string[] tokens)
    {
        this.tokens = tokens;
        ids = new Dictionary<string, int>(tokens.Length, StringComparer.Ordinal);
        for (int i = 0; i < tokens.Length; i++)
            if (!ids.TryAdd(tokens[i], i))
                throw new ArgumentException($"The token '{tokens[i]}' appears twice (ids {ids[tokens[i]]} and {i}); a vocabulary lists each token once.", nameof(tokens));
    }

    /// <summary>
    /// Builds a vocabulary from token sequences: tokens seen at least <paramref name="minCount"/> times, most
    /// frequent first (ties in ordinal order, so the result does not depend on the input order), at most
    /// <paramref name="maxSize"/> entries including <c>&lt;pad&gt;</c> and <c>&lt;unk&gt;</c>.
    /// </summary>
    public static Vocabulary Build(IEnumerable<IEnumerable<string>> sequences, int minCount = 1, int? maxSize = null)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        if (minCount < 1) throw new ArgumentOutOfRangeException(nameof(minCount), minCount, "minCount must be at least 1.");
        if (maxSize is < 2) throw new ArgumentOutOfRangeException(nameof(maxSize), maxSize, "maxSize must be at least 2 (<pad> and <unk>).");
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var sequence in sequences)
            foreach (var token in sequence)
                counts[token] = counts.GetValueOrDefault(token) + 1;
        counts.Remove(Pad);
        counts.Remove(Unk);
        var kept = counts.Where(kv => kv.Value >= minCount)
            .OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => kv.Key);
        if (maxSize is int max) kept = kept.Take(max - 2);
        return new Vocabulary([Pad, Unk, .. kept]);
    }

    /// <summary>Restores a vocabulary saved as its token list (<see cref="Tokens"/>).</summary>
    public static Vocabulary FromTokens(IReadOnlyList<string> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        if (tokens.Count < 2 || tokens[PadId] != Pad || tokens[UnkId] != Unk)
            throw new ArgumentException($"A saved vocabulary starts with '{Pad}', '{Unk}'; got {tokens.Count} tokens starting '{tokens.FirstOrDefault()}'.", nameof(tokens));
        return new Vocabulary(tokens.ToArray());
    }

    /// <summary>The number of entries, <c>&lt;pad&gt;</c> and <c>&lt;unk&gt;</c> included.</summary>
    public int Count => tokens.Length;

    /// <summary>Every token in id order.</summary>
    public IReadOnlyList<string> Tokens => tokens;

    /// <summary>The id of <paramref name="token"/>, or <see cref="UnkId"/> when it is not in the vocabulary.</summary>
    public int this[string token] => ids.GetValueOrDefault(token, UnkId);

    /// <summary>True when <paramref name="token"/> has an id of its own.</summary>
    public bool Contains(string token) => ids.ContainsKey(token);

    /// <summary>The token with id <paramref name="id"/>.</summary>
    public string Token(int id)
    {
        if ((uint)id >= (uint)tokens.Length)
            throw new ArgumentOutOfRangeException(nameof(id), id, $"Ids run from 0 to {tokens.Length - 1}.");
        return tokens[id];
    }

    /// <summary>The ids of <paramref name="sequence"/>.</summary>
    public int[] Encode(IReadOnlyList<string> sequence)
    {
        ArgumentNullException.ThrowIfNull(sequence);
        var result = new int[sequence.Count];
        for (int i = 0; i < result.Length; i++) result[i] = this[sequence[i]];
        return result;
    }
}

using System.Globalization;
using SeqPack.Data;

namespace SeqPack.Nn;

/// <summary>How many vocabulary entries <see cref="Embedding.LoadPretrained(string, IReadOnlyList{string})"/> found in a vector file.</summary>
public readonly record struct PretrainedLoadResult(int Found, int Missing, int VectorsRead);

public sealed partial class Embedding
{
    /// <summary>
    /// Copies vectors from a word2vec or GloVe text file into the rows of the tokens of
    /// <paramref name="vocabulary"/> (row i is token i). Each line is a token and <see cref="EmbeddingDim"/>
    /// numbers separated by spaces; a first line of two integers (word2vec's "count dim" header) is skipped.
    /// Rows whose token is not in the file keep their initial values; when a token appears twice, its first
    /// vector is used. The padding row is never overwritten. A line with the wrong number of values or a value
    /// that is not a number is a <see cref="DataFormatException"/> naming the file and line.
    /// </summary>
    public PretrainedLoadResult LoadPretrained(string path, IReadOnlyList<string> vocabulary)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var reader = new StreamReader(path);
        return LoadPretrained(reader, vocabulary, path);
    }

    /// <summary>As <see cref="LoadPretrained(string, IReadOnlyList{string})"/>, from a reader; <paramref name="source"/> names it in errors.</summary>
    public PretrainedLoadResult LoadPretrained(TextReader reader, IReadOnlyList<string> vocabulary, string source = "<reader>")
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(vocabulary);
        if (vocabulary.Count != NumEmbeddings)
            throw new ArgumentException($"Embedding.LoadPretrained: the vocabulary has {vocabulary.Count} tokens but the table has {NumEmbeddings} rows.", nameof(vocabulary));
        var rows = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < vocabulary.Count; i++)
            if (vocabulary[i] is { } token && i != PaddingIdx) rows.TryAdd(token, i);
        var filled = new bool[NumEmbeddings];
        int found = 0, read = 0, lineNumber = 0, dim = EmbeddingDim;
        var weight = Weight.Span;
        var values = new float[dim];
        for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            lineNumber++;
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (parts.Length == 0) continue;
            if (lineNumber == 1 && parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out _)
                && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int headerDim))
            {
                if (headerDim != dim)
                    throw new DataFormatException(source, lineNumber, $"the header gives vectors of {headerDim} values but the embedding has {dim} columns");
                continue;
            }
            if (parts.Length != dim + 1)
                throw new DataFormatException(source, lineNumber, $"expected a token and {dim} values, found {parts.Length - 1} values");
            for (int j = 0; j < dim; j++)
                if (!float.TryParse(parts[j + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out values[j]))
                    throw new DataFormatException(source, lineNumber, $"value {j + 1} ('{parts[j + 1]}') is not a number");
            read++;
            if (rows.TryGetValue(parts[0], out int row) && !filled[row])
            {
                filled[row] = true;
                found++;
                values.CopyTo(weight.Slice(row * dim, dim));
            }
        }
        int eligible = rows.Values.Distinct().Count();
        return new PretrainedLoadResult(found, eligible - found, read);
    }

    /// <summary>
    /// Stops (or, with <paramref name="frozen"/> false, resumes) training of the table: the weight no longer
    /// requires a gradient, so backward passes skip it and optimisers leave it as it is (PyTorch's
    /// <c>weight.requires_grad = False</c>, or <c>from_pretrained(freeze=True)</c>).
    /// </summary>
    public void Freeze(bool frozen = true) => Weight.RequiresGrad = !frozen;

    /// <summary>True when <see cref="Freeze"/> has stopped training of the table.</summary>
    public bool IsFrozen => !Weight.RequiresGrad;
}

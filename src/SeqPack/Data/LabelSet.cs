namespace SeqPack.Data;

/// <summary>The classes of a task (labels or tags), in ordinal order, each with its index.</summary>
public sealed class LabelSet
{
    private readonly string[] labels;
    private readonly Dictionary<string, int> index;

    /// <summary>The distinct values of <paramref name="labels"/>, sorted ordinally.</summary>
    public LabelSet(IEnumerable<string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        this.labels = labels.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (this.labels.Length == 0) throw new ArgumentException("A label set needs at least one label; got none.", nameof(labels));
        index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < this.labels.Length; i++) index[this.labels[i]] = i;
    }

    /// <summary>The number of classes.</summary>
    public int Count => labels.Length;

    /// <summary>The labels in index order.</summary>
    public IReadOnlyList<string> Labels => labels;

    /// <summary>The label with index <paramref name="i"/>.</summary>
    public string this[int i] => labels[i];

    /// <summary>The index of <paramref name="label"/>, or -1 when it is not one of the classes.</summary>
    public int IndexOf(string label) => index.GetValueOrDefault(label, -1);
}

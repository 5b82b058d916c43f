namespace SeqPack.Nn;

/// <summary>How a loss combines its per-element values (PyTorch's <c>reduction</c> argument).</summary>
public enum Reduction
{
    /// <summary>The (weighted) mean over counted elements.</summary>
    Mean,
    /// <summary>The sum over counted elements.</summary>
    Sum,
    /// <summary>One value per element, unreduced.</summary>
    None,
}

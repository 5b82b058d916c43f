namespace SeqPack.Optim;

/// <summary>How <see cref="OneCycleLR"/> moves between two values within a phase (PyTorch's <c>anneal_strategy</c>).</summary>
public enum AnnealStrategy
{
    /// <summary>Half a cosine: <c>end + (start − end)·(1 + cos(π·pct)) / 2</c>.</summary>
    Cos,

    /// <summary>A straight line: <c>start + (end − start)·pct</c>.</summary>
    Linear,
}

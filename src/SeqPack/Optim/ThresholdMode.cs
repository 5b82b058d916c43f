namespace SeqPack.Optim;

/// <summary>How <see cref="ReduceLROnPlateau"/> decides that a metric improved (PyTorch's <c>threshold_mode</c>).</summary>
public enum ThresholdMode
{
    /// <summary>Relative: better than <c>best·(1 − threshold)</c> (mode min) or <c>best·(1 + threshold)</c> (mode max).</summary>
    Rel,

    /// <summary>Absolute: better than <c>best − threshold</c> (mode min) or <c>best + threshold</c> (mode max).</summary>
    Abs,
}

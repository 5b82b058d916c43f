namespace SeqPack;

/// <summary>Where <see cref="Packing.PadSequence"/> puts the padding of sequences shorter than the longest.</summary>
public enum PaddingSide
{
    /// <summary>Sequences start at time step 0; padding follows them (PyTorch's default).</summary>
    Right,

    /// <summary>Sequences end at the last time step; padding precedes them (PyTorch 2.6 <c>padding_side="left"</c>).</summary>
    Left,
}

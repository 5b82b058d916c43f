using SeqPack.Kernels;

namespace SeqPack.Nn.Recurrent;

/// <summary>
/// The lifetime of what a recurrent layer's forward keeps for its backward: arrays rented from the
/// <see cref="ScratchPool"/> (possibly longer than asked for) and given back once, by <see cref="Release"/>,
/// after backward has used them, or at once when no graph was recorded. Arrays that become output tensors
/// are allocated normally and never pass through here.
/// </summary>
internal abstract class SavedBuffers
{
    private readonly List<float[]> rented = new(8);

    /// <summary>Rents an array of at least <paramref name="length"/> floats that <see cref="Release"/> gives back.</summary>
    protected float[] Rent(int length)
    {
        var array = ScratchPool.Rent(length);
        rented.Add(array);
        return array;
    }

    /// <summary>True once <see cref="Release"/> has run: the rented arrays belong to the pool again.</summary>
    public bool Released { get; private set; }

    /// <summary>Gives the rented arrays back to the pool, in the order they were rented; later calls do nothing.</summary>
    public void Release()
    {
        if (Released) return;
        Released = true;
        foreach (var array in rented) ScratchPool.Return(array);
        rented.Clear();
    }

    /// <summary>
    /// Throws when backward runs a second time through the same forward (<paramref name="layer"/> names it,
    /// e.g. "an LSTM layer"): its saved values were freed by the first backward, as in PyTorch without retain_graph.
    /// </summary>
    public void ThrowIfReleased(string layer)
    {
        if (Released)
            throw new InvalidOperationException(
                $"Backward through {layer} a second time: the values it saved in forward were freed by the first backward (as in PyTorch without retain_graph). Run the forward pass again before calling Backward again.");
    }
}

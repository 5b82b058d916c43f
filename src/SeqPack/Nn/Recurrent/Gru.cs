using SeqPack.Nn.Recurrent;

namespace SeqPack.Nn;

/// <summary>
/// A multi-layer GRU (torch.nn.GRU): per layer and direction
/// <c>r = σ(W_ir x + b_ir + W_hr h + b_hr)</c>, <c>z = σ(W_iz x + b_iz + W_hz h + b_hz)</c>,
/// <c>n = tanh(W_in x + b_in + r·(W_hn h + b_hn))</c>, <c>h' = (1 − z)·n + z·h</c>.
/// </summary>
/// <remarks>
/// Parameters (PyTorch's names and shapes): <c>weight_ih_l{k}</c> (3H, I or D·H), <c>weight_hh_l{k}</c> (3H, H),
/// <c>bias_ih_l{k}</c>, <c>bias_hh_l{k}</c> (3H), <c>_reverse</c> for the backward direction; gate rows r, z, n.
/// States are (numLayers·D, B, H) in the caller's batch order.
/// </remarks>
public sealed class Gru : RnnBase
{
    /// <param name="rng">Generator for the initial weights and for dropout masks; the process-wide default when null.</param>
    public Gru(int inputSize, int hiddenSize, int numLayers = 1, bool bias = true, bool batchFirst = false,
        float dropout = 0f, bool bidirectional = false, Rng? rng = null)
        : base(CellKind.Gru, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, 0, rng)
    {
    }

    /// <summary>Runs over packed sequences; returns the packed output (D·H features per row) and the final hidden state.</summary>
    public (PackedSequence Output, Tensor H) Forward(PackedSequence input, Tensor? h0 = null)
    {
        var (y, h, _) = ForwardPacked(input, h0, null);
        return (y, h);
    }

    /// <summary>Runs over a padded (T, B, I) tensor (or (B, T, I) with batchFirst) or an unbatched (T, I) tensor; every step is computed.</summary>
    public (Tensor Output, Tensor H) Forward(Tensor input, Tensor? h0 = null)
    {
        var (y, h, _) = ForwardPadded(input, h0, null);
        return (y, h);
    }
}

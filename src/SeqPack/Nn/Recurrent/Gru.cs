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
    /// <summary>
    /// Creates the layer with PyTorch's initialisation (every parameter uniform in [−1/√hiddenSize, 1/√hiddenSize));
    /// the arguments mean what they mean in <c>torch.nn.GRU</c>.
    /// </summary>
    /// <param name="inputSize">Features per input row (I, at least 1).</param>
    /// <param name="hiddenSize">Features of the hidden state (H, at least 1).</param>
    /// <param name="numLayers">Stacked layers (at least 1); layer k &gt; 0 reads the previous layer's output.</param>
    /// <param name="bias">Whether the <c>bias_ih</c> and <c>bias_hh</c> parameters exist.</param>
    /// <param name="batchFirst">Padded input and output are (B, T, features) instead of (T, B, features); states and packed input are unaffected.</param>
    /// <param name="dropout">Probability in [0, 1] of zeroing each output element of every layer but the last (training mode only).</param>
    /// <param name="bidirectional">Add a backward direction per layer (D = 2); outputs concatenate both directions.</param>
    /// <param name="rng">Generator for the initial weights and for dropout masks; the process-wide default when null.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="inputSize"/>, <paramref name="hiddenSize"/> or
    /// <paramref name="numLayers"/> is not positive, or <paramref name="dropout"/> is outside [0, 1].</exception>
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

using SeqPack.Nn.Recurrent;

namespace SeqPack.Nn;

/// <summary>The nonlinearity of an Elman <see cref="Rnn"/>.</summary>
public enum RnnNonlinearity
{
    /// <summary><c>tanh</c>, PyTorch's default (<c>nonlinearity='tanh'</c>).</summary>
    Tanh,

    /// <summary><c>max(0, x)</c> (<c>nonlinearity='relu'</c>).</summary>
    Relu,
}

/// <summary>
/// A multi-layer Elman RNN (torch.nn.RNN): per layer and direction <c>h' = act(W_ih x + b_ih + W_hh h + b_hh)</c>
/// with act = tanh or relu.
/// </summary>
/// <remarks>
/// Parameters (PyTorch's names and shapes): <c>weight_ih_l{k}</c> (H, I or D·H), <c>weight_hh_l{k}</c> (H, H),
/// <c>bias_ih_l{k}</c>, <c>bias_hh_l{k}</c> (H), <c>_reverse</c> for the backward direction. States are
/// (numLayers·D, B, H) in the caller's batch order.
/// </remarks>
public sealed class Rnn : RnnBase
{
    /// <summary>The activation applied at every step.</summary>
    public RnnNonlinearity Nonlinearity { get; }

    /// <param name="rng">Generator for the initial weights and for dropout masks; the process-wide default when null.</param>
    public Rnn(int inputSize, int hiddenSize, int numLayers = 1, RnnNonlinearity nonlinearity = RnnNonlinearity.Tanh,
        bool bias = true, bool batchFirst = false, float dropout = 0f, bool bidirectional = false, Rng? rng = null)
        : base(CheckedKind(nonlinearity), inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, 0, rng)
    {
        Nonlinearity = nonlinearity;
    }

    private static CellKind CheckedKind(RnnNonlinearity nonlinearity) => nonlinearity switch
    {
        RnnNonlinearity.Tanh => CellKind.RnnTanh,
        RnnNonlinearity.Relu => CellKind.RnnRelu,
        _ => throw new ArgumentOutOfRangeException(nameof(nonlinearity), nonlinearity, "RNN: nonlinearity must be Tanh or Relu."),
    };

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

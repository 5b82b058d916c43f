using SeqPack.Nn.Recurrent;

namespace SeqPack.Nn;

/// <summary>
/// What <see cref="LstmCell"/>, <see cref="GruCell"/> and <see cref="RnnCell"/> share (PyTorch's
/// <c>RNNCellBase</c>): parameters <c>weight_ih</c> (G·H, I), <c>weight_hh</c> (G·H, H), <c>bias_ih</c>,
/// <c>bias_hh</c> (G·H), initialised uniform in [−1/√H, 1/√H), and the checks of a single step's input.
/// </summary>
/// <remarks>
/// A step runs the same fused kernels as the full layers, as a sequence of length one, so a loop of cell
/// steps computes exactly what the layer computes.
/// </remarks>
public abstract class RnnCellBase : Module
{
    private protected readonly LayerWeights Weights;
    private readonly string name;

    /// <summary>Features of the input.</summary>
    public int InputSize { get; }
    /// <summary>Features of the hidden state.</summary>
    public int HiddenSize { get; }
    /// <summary>Whether the cell has the biases b_ih and b_hh.</summary>
    public bool Bias { get; }

    private protected RnnCellBase(string name, int gates, int inputSize, int hiddenSize, bool bias, Rng? rng)
    {
        if (inputSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(inputSize), inputSize, $"{name}: inputSize must be positive.");
        if (hiddenSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(hiddenSize), hiddenSize, $"{name}: hiddenSize must be positive.");
        ParameterSizes.CheckMatrix(name, nameof(hiddenSize), hiddenSize, (long)gates * hiddenSize, hiddenSize);
        ParameterSizes.CheckMatrix(name, nameof(inputSize), inputSize, (long)gates * hiddenSize, inputSize);
        this.name = name;
        InputSize = inputSize; HiddenSize = hiddenSize; Bias = bias;
        var wIh = RegisterParameter("weight_ih", Tensor.Zeros(gates * hiddenSize, inputSize));
        var wHh = RegisterParameter("weight_hh", Tensor.Zeros(gates * hiddenSize, hiddenSize));
        Tensor? bIh = bias ? RegisterParameter("bias_ih", Tensor.Zeros(gates * hiddenSize)) : null;
        Tensor? bHh = bias ? RegisterParameter("bias_hh", Tensor.Zeros(gates * hiddenSize)) : null;
        Weights = new LayerWeights(wIh, wHh, bIh, bHh);
        float bound = 1f / MathF.Sqrt(hiddenSize);
        foreach (var p in Parameters()) Init.Uniform(p, bound, rng);
    }

    /// <summary>
    /// Checks a step's input ((B, I) or unbatched (I)) and a state ((B, H) or (H), matching); returns the input
    /// as (B, I) and whether it was unbatched.
    /// </summary>
    private protected (Tensor X, bool Unbatched) CheckInput(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank == 1 && input.Dim(0) == InputSize) return (input.Reshape(1, InputSize), true);
        if (input.Rank == 2 && input.Dim(1) == InputSize && input.Dim(0) > 0) return (input, false);
        throw new ArgumentException(
            $"{name}: input has shape {Shapes.Format(input.ShapeSpan)}; expected (batch, {InputSize}) or ({InputSize}) for inputSize {InputSize}.", nameof(input));
    }

    /// <summary>Checks a state against the input's batch; returns it as (B, H), or null.</summary>
    private protected Tensor? CheckState(Tensor? state, int batch, bool unbatched, string what, string paramName)
    {
        if (state is null) return null;
        int[] expected = unbatched ? [HiddenSize] : [batch, HiddenSize];
        if (!Shapes.Equal(state.ShapeSpan, expected))
            throw new ArgumentException(
                $"{name}: the {what} has shape {Shapes.Format(state.ShapeSpan)}; expected {Shapes.Format(expected)} to match the input.", paramName);
        return unbatched ? state.Reshape(1, HiddenSize) : state;
    }

    /// <summary>A state computed as (B, H), reshaped back to (H) for unbatched input.</summary>
    private protected Tensor Output(Tensor state, bool unbatched) => unbatched ? state.Reshape(HiddenSize) : state;
}

namespace SeqPack.Nn;

/// <summary>
/// Parameter initialisation with PyTorch's distributions, drawn from a seeded <see cref="Rng"/>.
/// </summary>
/// <remarks>
/// Every layer constructor takes an optional <see cref="Rng"/>. When none is given, the layer draws from
/// <see cref="Generator"/>, a process-wide generator seeded with 0 that <see cref="ManualSeed"/> reseeds
/// (PyTorch's <c>torch.manual_seed</c>). The values differ from PyTorch's for the same seed (a different bit
/// generator); the distributions are the same.
/// </remarks>
public static partial class Init
{
    private static readonly Lock Gate = new();
    private static Rng generator = new(0);

    /// <summary>The default generator used by layers constructed without an explicit <see cref="Rng"/>.</summary>
    public static Rng Generator
    {
        get { lock (Gate) return generator; }
    }

    /// <summary>Reseeds the default generator, so that layers built afterwards without an Rng are reproducible.</summary>
    public static void ManualSeed(ulong seed)
    {
        lock (Gate) generator = new Rng(seed);
    }

    /// <summary>Fills <paramref name="tensor"/> with values uniform in [−<paramref name="bound"/>, <paramref name="bound"/>).</summary>
    public static void Uniform(Tensor tensor, float bound, Rng? rng = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var r = rng ?? Generator;
        var span = tensor.Span;
        lock (r) for (int i = 0; i < span.Length; i++) span[i] = r.NextUniform(-bound, bound);
    }

    /// <summary>Fills <paramref name="tensor"/> with standard normal values (<c>torch.nn.init.normal_</c>).</summary>
    public static void Normal(Tensor tensor, Rng? rng = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var r = rng ?? Generator;
        var span = tensor.Span;
        lock (r) for (int i = 0; i < span.Length; i++) span[i] = r.NextNormal();
    }

    /// <summary>
    /// PyTorch's default for Linear weights, <c>kaiming_uniform_(w, a=√5)</c>: gain √(2/(1+a²)) = √(1/3) and
    /// bound gain·√(3/fan_in), which is U(−1/√fan_in, 1/√fan_in). Also the bias bound PyTorch uses.
    /// </summary>
    public static float LinearBound(int fanIn) => fanIn > 0 ? 1f / MathF.Sqrt(fanIn) : 0f;
}

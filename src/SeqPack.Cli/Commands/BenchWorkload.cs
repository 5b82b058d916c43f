namespace SeqPack.Cli.Commands;

/// <summary>Recurrent cell of a standard workload.</summary>
internal enum BenchCell { Lstm, Gru }

/// <summary>
/// One of the standard recurrent workloads of the PyTorch peer benchmark (shared/peer/README.md): the same
/// names, sizes and sequence lengths, so that SeqPack's lines join PyTorch's on (workload, mode, layout, threads).
/// </summary>
internal sealed record BenchWorkload(string Name, BenchCell Cell, int Layers, bool Bidirectional,
    int InputSize, int HiddenSize, int Batch, int MinLength = 8, int MaxLength = 400)
{
    /// <summary>lstm-s, lstm-m, gru-m and bilstm-2, in the peer's order.</summary>
    public static IReadOnlyList<BenchWorkload> All { get; } =
    [
        new("lstm-s", BenchCell.Lstm, 1, false, 64, 128, 32),
        new("lstm-m", BenchCell.Lstm, 1, false, 256, 512, 64),
        new("gru-m", BenchCell.Gru, 1, false, 256, 512, 64),
        new("bilstm-2", BenchCell.Lstm, 2, true, 128, 256, 64),
    ];

    /// <summary>The workload called <paramref name="name"/>, or null.</summary>
    public static BenchWorkload? Find(string name) => All.FirstOrDefault(w => w.Name == name);

    /// <summary>
    /// The peer's lengths: sequence i of the batch has length
    /// <c>min + floor((max - min)·u²)</c> with <c>u = ((i·37) mod B) / B</c> (unsorted, from min to below max).
    /// Computed in double exactly as the peer does, so both sides see the same integers.
    /// </summary>
    public static int[] Lengths(int batch, int min, int max)
    {
        var lengths = new int[batch];
        for (int i = 0; i < batch; i++)
        {
            double u = ((i * 37) % batch) / (double)batch;
            lengths[i] = min + (int)Math.Floor((max - min) * u * u);
        }
        return lengths;
    }

    /// <summary>This workload's lengths (see <see cref="Lengths(int, int, int)"/>).</summary>
    public int[] Lengths() => Lengths(Batch, MinLength, MaxLength);

    /// <summary>Directions per layer: 2 when bidirectional.</summary>
    public int Directions => Bidirectional ? 2 : 1;

    /// <summary>
    /// GEMM FLOP of one step on <paramref name="tokens"/> real tokens: per layer and direction,
    /// <c>k·H·(I_l + H)·N</c> with k = 8 (LSTM forward), 24 (LSTM training), 6 (GRU forward), 18 (GRU training),
    /// and I_l = I for the first layer, H·directions above it. Padding is never counted as work.
    /// </summary>
    public double Flops(long tokens, bool train)
    {
        int k = (Cell, train) switch
        {
            (BenchCell.Lstm, false) => 8,
            (BenchCell.Lstm, true) => 24,
            (BenchCell.Gru, false) => 6,
            _ => 18,
        };
        double total = 0;
        for (int layer = 0; layer < Layers; layer++)
        {
            int input = layer == 0 ? InputSize : HiddenSize * Directions;
            total += (double)k * HiddenSize * (input + HiddenSize) * tokens * Directions;
        }
        return total;
    }
}

using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Parameters;
using SeqPack.Bench.Kernels;
using SeqPack.Nn;

namespace SeqPack.Bench.Recurrent;

/// <summary>
/// The standard recurrent workloads of shared/peer/README.md through the public API, exactly as the peer
/// benchmark runs PyTorch: batch-first (B, T_max, I) standard-normal input, sequence i of length
/// <c>8 + ⌊392·u²⌋</c> with <c>u = ((i·37) mod B)/B</c>; <c>train</c> = forward, loss = sum of all outputs,
/// backward to every weight and to the input; <c>infer</c> = forward without recording. <c>Packed</c> packs
/// inside the timed region (enforceSorted: false); <c>Padded</c> feeds the padded tensor and computes every step.
/// The GFLOP/s column counts real tokens only: LSTM 24·H·(I+H)·tokens for training and 8·H·(I+H)·tokens for
/// inference, GRU 18· and 6· (shared/peer/README.md).
/// Run: <c>dotnet run -c Release --project bench/SeqPack.Bench -- --filter '*RecurrentLayerBenchmarks*'</c>.
/// </summary>
[Config(typeof(KernelBenchConfig))]
public class RecurrentLayerBenchmarks
{
    [Params("lstm-m", "gru-m")]
    public string Workload { get; set; } = "lstm-m";

    [Params("train", "infer")]
    public string Mode { get; set; } = "train";

    [Params("packed", "padded")]
    public string Layout { get; set; } = "packed";

    [Params(2)]
    public int Threads { get; set; } = 2;

    private Tensor input = null!;
    private int[] lengths = [];
    private RnnBase layer = null!;

    private const int InputSize = 256, HiddenSize = 512, Batch = 64;

    /// <summary>The workload's sequence lengths.</summary>
    public static int[] Lengths(int batch) =>
        Enumerable.Range(0, batch).Select(i => { double u = (i * 37 % batch) / (double)batch; return 8 + (int)Math.Floor(392 * u * u); }).ToArray();

    public static double Flops(ParameterInstances p)
    {
        long tokens = Lengths(Batch).Sum();
        bool lstm = (string)p["Workload"] == "lstm-m", train = (string)p["Mode"] == "train";
        double perToken = (lstm ? (train ? 24 : 8) : (train ? 18 : 6)) * (double)HiddenSize * (InputSize + HiddenSize);
        return perToken * tokens;
    }

    [GlobalSetup]
    public void Setup()
    {
        Compute.Threads = Threads;
        lengths = Lengths(Batch);
        input = Tensor.Randn([Batch, lengths.Max(), InputSize], 1);
        layer = Workload == "lstm-m"
            ? new Lstm(InputSize, HiddenSize, batchFirst: true, rng: new Rng(2))
            : new Gru(InputSize, HiddenSize, batchFirst: true, rng: new Rng(2));
    }

    [Benchmark]
    public float Step()
    {
        var x = input.Detach();
        bool train = Mode == "train";
        x.RequiresGrad = train;
        using var scope = train ? default(Autograd.NoGradScope?) : Autograd.NoGrad();
        Tensor output = Layout == "packed"
            ? Forward(Packing.PackPaddedSequence(x, lengths, batchFirst: true, enforceSorted: false)).Data
            : Forward(x);
        if (!train) return output.AsSpan()[0];
        var loss = output.Sum();
        loss.Backward();
        foreach (var p in layer.Parameters()) p.ZeroGrad();
        return loss.Item();
    }

    private PackedSequence Forward(PackedSequence p) => layer switch
    {
        Lstm l => l.Forward(p).Output,
        Gru g => g.Forward(p).Output,
        _ => throw new InvalidOperationException(),
    };

    private Tensor Forward(Tensor t) => layer switch
    {
        Lstm l => l.Forward(t).Output,
        Gru g => g.Forward(t).Output,
        _ => throw new InvalidOperationException(),
    };
}

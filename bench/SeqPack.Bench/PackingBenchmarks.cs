using BenchmarkDotNet.Attributes;

namespace SeqPack.Bench;

/// <summary>
/// The packing steps of the packed workloads in /work/shared/peer/README.md: a batch-first (B, T_max, F)
/// tensor with the standard unsorted lengths <c>8 + floor(392 u²)</c>, <c>u = ((37 i) mod B) / B</c>,
/// packed with <c>enforceSorted: false</c>, padded back, and both with their backward pass.
/// </summary>
[MemoryDiagnoser]
public class PackingBenchmarks
{
    private Tensor padded = null!;
    private int[] lengths = null!;
    private PackedSequence packed = null!;
    private Tensor packedGrad = null!, paddedGrad = null!;

    /// <summary>Batch size B.</summary>
    [Params(64)] public int Batch { get; set; }

    /// <summary>Floats per time step (the input size I of lstm-m, or a hidden size).</summary>
    [Params(256)] public int Features { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        lengths = new int[Batch];
        for (int i = 0; i < Batch; i++)
        {
            double u = (double)(i * 37 % Batch) / Batch;
            lengths[i] = 8 + (int)Math.Floor(392 * u * u);
        }
        padded = Tensor.Randn([Batch, lengths.Max(), Features], 1);
        padded.RequiresGrad = true;
        using (Autograd.NoGrad())
            packed = Packing.PackPaddedSequence(padded, lengths, batchFirst: true, enforceSorted: false);
        packed.Data.RequiresGrad = true;   // a leaf: PadPackedWithBackward stops here
        packedGrad = Tensor.Randn(packed.Data.Shape, 2);
        paddedGrad = Tensor.Randn(padded.Shape, 3);
    }

    /// <summary>PackPaddedSequence, batch-first, unsorted, not recorded.</summary>
    [Benchmark]
    public PackedSequence PackPadded()
    {
        using var _ = Autograd.NoGrad();
        return Packing.PackPaddedSequence(padded, lengths, batchFirst: true, enforceSorted: false);
    }

    /// <summary>PackPaddedSequence recorded, then backward into the padded input.</summary>
    [Benchmark]
    public Tensor? PackPaddedWithBackward()
    {
        padded.ZeroGrad();
        Packing.PackPaddedSequence(padded, lengths, batchFirst: true, enforceSorted: false).Data.Backward(packedGrad);
        return padded.Grad;
    }

    /// <summary>PadPackedSequence back to batch-first, not recorded.</summary>
    [Benchmark]
    public Tensor PadPacked()
    {
        using var _ = Autograd.NoGrad();
        return Packing.PadPackedSequence(packed, batchFirst: true).Padded;
    }

    /// <summary>PadPackedSequence recorded, then backward into the packed data.</summary>
    [Benchmark]
    public Tensor PadPackedWithBackward()
    {
        packed.Data.ZeroGrad();
        var (p, _) = Packing.PadPackedSequence(packed, batchFirst: true);
        p.Backward(paddedGrad);
        return packed.Data.Grad!;
    }
}

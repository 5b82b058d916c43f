namespace SeqPack.Distributed;

/// <summary>
/// Data-parallel training over a <see cref="Communicator"/>: the same parameters on every rank
/// (<see cref="BroadcastParameters"/> once at start), then after each backward pass one all-reduce per fused
/// bucket of gradients (<see cref="AllReduceGradients"/>), so every rank's optimiser takes the same step.
/// Gradients are fused into buckets of at least <c>bucketElements</c> floats, as PyTorch DDP's
/// gradient buckets do (Li et al. 2020, "PyTorch Distributed: Experiences on Accelerating Data Parallel
/// Training"): a few large messages instead of one per parameter, since each message pays the latency.
/// </summary>
public sealed class DataParallel
{
    /// <summary>The default bucket size: 4 Mi floats (16 MiB), near DDP's 25 MB default.</summary>
    public const int DefaultBucketElements = 1 << 22;

    private readonly Tensor[] parameters;
    private readonly (int Start, int End)[] buckets;   // parameter index ranges, in order
    private readonly float[][] buffers;                 // one per bucket, reused every step
    private readonly float[] present;                   // (parameters) 1 where a rank holds a gradient

    /// <summary>Syncs <paramref name="parameters"/> (a model's, in the same order on every rank) over
    /// <paramref name="communicator"/>.</summary>
    /// <exception cref="ArgumentException">No parameters, or <paramref name="bucketElements"/> below 1.</exception>
    public DataParallel(Communicator communicator, IEnumerable<Tensor> parameters, int bucketElements = DefaultBucketElements)
    {
        ArgumentNullException.ThrowIfNull(communicator);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfLessThan(bucketElements, 1);
        Communicator = communicator;
        this.parameters = parameters.ToArray();
        if (this.parameters.Length == 0) throw new ArgumentException("no parameters to synchronise; pass the model's parameters.", nameof(parameters));
        var ranges = new List<(int, int)>();
        long elements = 0;
        for (int start = 0, i = 0; i < this.parameters.Length; i++)
        {
            elements += this.parameters[i].Size;
            if (elements >= bucketElements || i == this.parameters.Length - 1)
            {
                ranges.Add((start, i + 1));
                start = i + 1;
                elements = 0;
            }
        }
        buckets = ranges.ToArray();
        buffers = buckets.Select(b => new float[this.parameters[b.Start..b.End].Sum(p => p.Size)]).ToArray();
        present = new float[this.parameters.Length];
    }

    /// <summary>The communicator the parameters are synced over.</summary>
    public Communicator Communicator { get; }

    /// <summary>The number of fused all-reduce buffers per step.</summary>
    public int BucketCount => buckets.Length;

    /// <summary>Overwrites every rank's parameter values with rank 0's (fused into the gradient buckets' buffers).</summary>
    public void BroadcastParameters()
    {
        if (Communicator.Size == 1) return;
        for (int b = 0; b < buckets.Length; b++)
        {
            Pack(b, p => p.AsSpan());
            Communicator.Broadcast(buffers[b]);
            Unpack(b, gradients: false, (p, values) => values.CopyTo(p.Span));
        }
    }

    /// <summary>
    /// Replaces every parameter's gradient with the sum or mean over ranks (<paramref name="reduction"/>). A
    /// parameter without a gradient on a rank counts as zeros there, and stays without one only if no rank has
    /// one (so an optimiser skips it exactly as it would in a single process).
    /// </summary>
    public void AllReduceGradients(GradientReduction reduction = GradientReduction.Mean)
    {
        if (Communicator.Size == 1) return;
        for (int i = 0; i < parameters.Length; i++) present[i] = parameters[i].Grad is null ? 0 : 1;
        Communicator.AllReduceSum(present);
        float scale = reduction == GradientReduction.Mean ? 1f / Communicator.Size : 1f;
        for (int b = 0; b < buckets.Length; b++)
        {
            Pack(b, p => p.Grad is { } g ? g.AsSpan() : default);
            Communicator.AllReduceSum(buffers[b]);
            if (scale != 1f) System.Numerics.Tensors.TensorPrimitives.Multiply(buffers[b], scale, buffers[b]);
            Unpack(b, gradients: true, (p, values) => p.Grad = values.IsEmpty ? null : new Tensor(values.ToArray(), p.Shape));
        }
    }

    private delegate ReadOnlySpan<float> Source(Tensor parameter);
    private delegate void Sink(Tensor parameter, ReadOnlySpan<float> values);

    /// <summary>Copies each parameter's span of bucket <paramref name="b"/> in order (zeros where it is empty).</summary>
    private void Pack(int b, Source source)
    {
        var buffer = buffers[b].AsSpan();
        for (int i = buckets[b].Start, at = 0; i < buckets[b].End; at += parameters[i].Size, i++)
        {
            var values = source(parameters[i]);
            var slot = buffer.Slice(at, parameters[i].Size);
            if (values.IsEmpty) slot.Clear();
            else values.CopyTo(slot);
        }
    }

    /// <summary>Hands each parameter its span of bucket <paramref name="b"/> (for <paramref name="gradients"/>,
    /// empty where no rank had a gradient).</summary>
    private void Unpack(int b, bool gradients, Sink sink)
    {
        var buffer = buffers[b];
        for (int i = buckets[b].Start, at = 0; i < buckets[b].End; at += parameters[i].Size, i++)
            sink(parameters[i], gradients && present[i] == 0 ? default : buffer.AsSpan(at, parameters[i].Size));
    }
}

namespace SeqPack.Optim;

/// <summary>
/// PyTorch's <c>ReduceLROnPlateau</c>: after each epoch <see cref="Step"/> gets a metric; when it has not
/// improved on the best value for more than <c>patience</c> epochs, every group's rate becomes
/// <c>max(lr·factor, minLr)</c> (unless that changes it by no more than <c>eps</c>), after which
/// <c>cooldown</c> epochs pass before bad epochs are counted again.
/// </summary>
/// <remarks>
/// Unlike the closed-form <see cref="LRScheduler"/> family this schedule depends on the metrics seen, so
/// its counters (<see cref="Best"/>, <see cref="NumBadEpochs"/>, <see cref="CooldownCounter"/>,
/// <see cref="LastEpoch"/>) are exposed for checkpoints and restored with <see cref="Restore"/>. A NaN
/// metric is never an improvement, as in PyTorch.
/// </remarks>
public sealed class ReduceLROnPlateau
{
    private readonly PlateauMode mode;
    private readonly ThresholdMode thresholdMode;
    private readonly double factor, threshold, eps;
    private readonly int patience, cooldown;
    private readonly float[] minLrs;

    /// <summary>The optimiser whose learning rates this schedule lowers.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>The best metric seen (+∞ for mode min, −∞ for mode max before the first step).</summary>
    public double Best { get; private set; }

    /// <summary>Consecutive epochs without improvement, outside cooldown.</summary>
    public int NumBadEpochs { get; private set; }

    /// <summary>Epochs of cooldown still to run.</summary>
    public int CooldownCounter { get; private set; }

    /// <summary>The number of epochs stepped.</summary>
    public int LastEpoch { get; private set; }

    /// <summary>
    /// Creates the schedule with PyTorch's defaults. Checks: <paramref name="factor"/> in [0, 1),
    /// <paramref name="patience"/> and <paramref name="cooldown"/> non-negative, <paramref name="threshold"/>,
    /// <paramref name="minLr"/> and <paramref name="eps"/> non-negative numbers.
    /// </summary>
    public ReduceLROnPlateau(Optimizer optimizer, PlateauMode mode = PlateauMode.Min, float factor = 0.1f, int patience = 10,
        float threshold = 1e-4f, ThresholdMode thresholdMode = ThresholdMode.Rel, int cooldown = 0, float minLr = 0f, float eps = 1e-8f)
        : this(optimizer, mode, factor, patience, threshold, thresholdMode, cooldown, null, minLr, eps) { }

    /// <summary>As the other constructor, with one minimum rate per parameter group.</summary>
    public ReduceLROnPlateau(Optimizer optimizer, IReadOnlyList<float> minLrs, PlateauMode mode = PlateauMode.Min, float factor = 0.1f,
        int patience = 10, float threshold = 1e-4f, ThresholdMode thresholdMode = ThresholdMode.Rel, int cooldown = 0, float eps = 1e-8f)
        : this(optimizer, mode, factor, patience, threshold, thresholdMode, cooldown, minLrs ?? throw new ArgumentNullException(nameof(minLrs)), 0f, eps) { }

    private ReduceLROnPlateau(Optimizer optimizer, PlateauMode mode, float factor, int patience, float threshold,
        ThresholdMode thresholdMode, int cooldown, IReadOnlyList<float>? minLrs, float minLr, float eps)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        if (!Enum.IsDefined(mode)) throw new ArgumentException($"ReduceLROnPlateau: unknown mode {mode}; use Min or Max.", nameof(mode));
        if (!Enum.IsDefined(thresholdMode)) throw new ArgumentException($"ReduceLROnPlateau: unknown threshold mode {thresholdMode}; use Rel or Abs.", nameof(thresholdMode));
        if (!(factor >= 0f && factor < 1f)) throw new ArgumentException($"ReduceLROnPlateau: factor must lie in [0, 1); got {factor}.", nameof(factor));
        if (patience < 0) throw new ArgumentOutOfRangeException(nameof(patience), patience, "ReduceLROnPlateau: patience must not be negative.");
        if (cooldown < 0) throw new ArgumentOutOfRangeException(nameof(cooldown), cooldown, "ReduceLROnPlateau: cooldown must not be negative.");
        if (!(threshold >= 0f && float.IsFinite(threshold))) throw new ArgumentException($"ReduceLROnPlateau: threshold must be a non-negative number; got {threshold}.", nameof(threshold));
        if (!(eps >= 0f)) throw new ArgumentException($"ReduceLROnPlateau: eps must be a non-negative number; got {eps}.", nameof(eps));
        int groups = optimizer.ParamGroups.Count;
        if (minLrs is not null && minLrs.Count != groups)
            throw new ArgumentException($"ReduceLROnPlateau: expected {groups} minimum rates (one per parameter group); got {minLrs.Count}.", nameof(minLrs));
        var mins = minLrs?.ToArray() ?? Enumerable.Repeat(minLr, groups).ToArray();
        for (int i = 0; i < mins.Length; i++)
            if (!(mins[i] >= 0f)) throw new ArgumentException($"ReduceLROnPlateau: minimum rate {mins[i]} (group {i}) must be a non-negative number.", minLrs is null ? nameof(minLr) : nameof(minLrs));
        Optimizer = optimizer;
        this.mode = mode;
        this.thresholdMode = thresholdMode;
        this.factor = factor;
        this.threshold = threshold;
        this.eps = eps;
        this.patience = patience;
        this.cooldown = cooldown;
        this.minLrs = mins;
        Best = mode == PlateauMode.Min ? double.PositiveInfinity : double.NegativeInfinity;
    }

    /// <summary>Records the metric of the epoch just finished and lowers the rates if it has plateaued.</summary>
    public void Step(double metric)
    {
        LastEpoch++;
        if (IsBetter(metric))
        {
            Best = metric;
            NumBadEpochs = 0;
        }
        else NumBadEpochs++;
        if (CooldownCounter > 0)
        {
            CooldownCounter--;
            NumBadEpochs = 0;
        }
        if (NumBadEpochs > patience)
        {
            ReduceLr();
            CooldownCounter = cooldown;
            NumBadEpochs = 0;
        }
    }

    /// <summary>Restores counters saved from <see cref="Best"/>, <see cref="NumBadEpochs"/>, <see cref="CooldownCounter"/> and <see cref="LastEpoch"/>.</summary>
    public void Restore(double best, int numBadEpochs, int cooldownCounter, int lastEpoch)
    {
        if (numBadEpochs < 0) throw new ArgumentOutOfRangeException(nameof(numBadEpochs), numBadEpochs, "must not be negative.");
        if (cooldownCounter < 0) throw new ArgumentOutOfRangeException(nameof(cooldownCounter), cooldownCounter, "must not be negative.");
        if (lastEpoch < 0) throw new ArgumentOutOfRangeException(nameof(lastEpoch), lastEpoch, "must not be negative.");
        (Best, NumBadEpochs, CooldownCounter, LastEpoch) = (best, numBadEpochs, cooldownCounter, lastEpoch);
    }

    /// <summary>The learning rates now in force, one per group.</summary>
    public float[] GetLastLr() => Optimizer.ParamGroups.Select(g => g.Lr).ToArray();

    private bool IsBetter(double a) => (mode, thresholdMode) switch
    {
        (PlateauMode.Min, ThresholdMode.Rel) => a < Best * (1 - threshold),
        (PlateauMode.Min, _) => a < Best - threshold,
        (PlateauMode.Max, ThresholdMode.Rel) => a > Best * (threshold + 1),
        _ => a > Best + threshold,
    };

    private void ReduceLr()
    {
        var groups = Optimizer.ParamGroups;
        for (int i = 0; i < groups.Count; i++)
        {
            double old = groups[i].Lr;
            double next = Math.Max(old * factor, minLrs[i]);
            if (old - next > eps) groups[i].Lr = (float)next;
        }
    }
}

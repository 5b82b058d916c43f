using SeqPack.Data;

namespace SeqPack.Training;

/// <summary>
/// What <see cref="RunData.Create"/> needs to build a run: tokenisation, vocabulary, architecture and
/// optimisation settings. A null value takes the task's default (classification / tagging), the defaults of
/// <c>seqpack train</c>. <see cref="Validate"/> checks every value with a message that names it.
/// </summary>
public sealed record TrainingOptions
{
    /// <summary>The learning rate follows a cosine from <see cref="Lr"/> to 0 over all planned steps.</summary>
    public const string CosineSchedule = "cosine";

    /// <summary>The learning rate stays at <see cref="Lr"/>.</summary>
    public const string ConstantSchedule = "constant";

    /// <summary>
    /// The learning rate stays at <see cref="Lr"/> until dev stops improving (ReduceLROnPlateau on the dev score,
    /// factor <see cref="PlateauFactor"/>: <see cref="Patience"/> epochs in a row without a better dev score) or
    /// the time budget fits no more epochs than were trained; then it decays along a cosine to zero over as many
    /// epochs as were trained (or as fit), and training ends. <see cref="MaxEpochs"/> and the time budget end it sooner.
    /// </summary>
    public const string PlateauSchedule = "plateau";

    /// <summary>The plateau schedule's factor: the rate halves when dev stops improving, before the final decay.</summary>
    public const float PlateauFactor = 0.5f;

    /// <summary>The upper bound on epochs when <see cref="Epochs"/> is null (training stops on dev long before).</summary>
    public const int MaxEpochs = 200;

    /// <summary>The time budget when <see cref="Epochs"/> is null and <see cref="TimeBudget"/> is not set.</summary>
    public static readonly TimeSpan DefaultTimeBudget = TimeSpan.FromMinutes(5);

    /// <summary>The task; null infers it from the training data.</summary>
    public TaskKind? Task { get; init; }

    /// <summary>
    /// How classification texts are cut into steps: <c>chars</c>, <c>words</c>, or a sub-word tokeniser with its
    /// files, <c>wordpiece:VOCAB.txt</c>, <c>bpe:VOCAB.json,MERGES.txt</c> or <c>sentencepiece:FILE.model</c>
    /// (see <see cref="SeqPack.Data.Tokenizer.Parse"/>; taggers take chars or words, which they ignore).
    /// </summary>
    public string Tokenizer { get; init; } = "chars";

    /// <summary>Lower-case classification texts before tokenising.</summary>
    public bool Lowercase { get; init; }

    /// <summary>Give each tagging token word, suffix and shape ids (ignored for classification).</summary>
    public bool Features { get; init; } = true;

    /// <summary>Minimum training count of a vocabulary entry; null: 1 for character and sub-word classification, else 2.</summary>
    public int? MinCount { get; init; }

    /// <summary>Largest vocabulary, counting &lt;pad&gt; and &lt;unk&gt;.</summary>
    public int MaxVocab { get; init; } = 50_000;

    /// <summary>Recurrent cell: <c>lstm</c> or <c>gru</c>.</summary>
    public string Cell { get; init; } = "lstm";

    /// <summary>Embedding width; null: chosen from the data by <see cref="ModelDefaults.Choose"/>.</summary>
    public int? EmbeddingDim { get; init; }

    /// <summary>Hidden units per direction; null: chosen from the data by <see cref="ModelDefaults.Choose"/>.</summary>
    public int? HiddenSize { get; init; }

    /// <summary>What a classifier's output layer reads (a key of <see cref="ModelConfig.Poolings"/>); null: chosen by <see cref="ModelDefaults.Choose"/>.</summary>
    public string? Pooling { get; init; }

    /// <summary>Stacked recurrent layers.</summary>
    public int Layers { get; init; } = 1;

    /// <summary>Run each layer in both directions.</summary>
    public bool Bidirectional { get; init; } = true;

    /// <summary>Dropout probability; null: chosen from the data by <see cref="ModelDefaults.Choose"/>.</summary>
    public float? Dropout { get; init; }

    /// <summary>Probability that a training token's word id becomes &lt;unk&gt; (tagging only).</summary>
    public float WordDropout { get; init; } = 0.05f;

    /// <summary>
    /// Epochs, with the cosine schedule over them (or a constant rate when <see cref="Cosine"/> is false); null (the
    /// default): train until dev stops improving, with the <see cref="PlateauSchedule"/>, within the time budget.
    /// </summary>
    public int? Epochs { get; init; }

    /// <summary>
    /// Wall time after which no new epoch starts (the run ends with the best dev epoch so far); null: 
    /// <see cref="DefaultTimeBudget"/> when <see cref="Epochs"/> is null, none otherwise;
    /// <see cref="Timeout.InfiniteTimeSpan"/>: none.
    /// </summary>
    public TimeSpan? TimeBudget { get; init; }

    /// <summary>Examples per batch.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>When set, batches are cut so that none holds more than this many steps (see <see cref="LengthBatcher"/>).</summary>
    public int? TokenBudget { get; init; }

    /// <summary>Adam's (peak) learning rate.</summary>
    public float Lr { get; init; } = 2e-3f;

    /// <summary>With <see cref="Epochs"/> set: decay the learning rate along a cosine over all steps (false: constant).</summary>
    public bool Cosine { get; init; } = true;

    /// <summary>Adam's L2 weight decay.</summary>
    public float WeightDecay { get; init; }

    /// <summary>Clip the gradient norm to this value (0: no clipping).</summary>
    public float Clip { get; init; } = 5f;

    /// <summary>
    /// Epochs without a better dev score that end training with fixed <see cref="Epochs"/>, or that end the
    /// constant phase of the <see cref="PlateauSchedule"/> (the final decay then runs to its end).
    /// </summary>
    public int Patience { get; init; } = 3;

    /// <summary>Seed of the splits, the initial weights, dropout and the batch order.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Share of the data cut off for dev when no dev set is given.</summary>
    public double DevFraction { get; init; } = 0.1;

    /// <summary>Share of the data cut off for test when no test set is given.</summary>
    public double TestFraction { get; init; } = 0.1;

    /// <summary>When set, training examples are cut to this many steps.</summary>
    public int? MaxLength { get; init; }

    /// <summary>The schedule these options give: <see cref="PlateauSchedule"/> without <see cref="Epochs"/>, else cosine or constant.</summary>
    public string ResolvedSchedule => Epochs is null ? PlateauSchedule : Cosine ? CosineSchedule : ConstantSchedule;

    /// <summary>The time budget in seconds these options give (null: none); see <see cref="TimeBudget"/>.</summary>
    public double? ResolvedTimeBudgetSeconds => TimeBudget is { } b
        ? (b == Timeout.InfiniteTimeSpan ? null : b.TotalSeconds)
        : Epochs is null ? DefaultTimeBudget.TotalSeconds : null;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first value out of range.</summary>
    public void Validate()
    {
        static void Check(bool ok, string name, object? value, string rule)
        {
            if (!ok) throw new ArgumentOutOfRangeException(name, value, $"TrainingOptions.{name} {rule}, got {value}.");
        }
        Check(BatchSize >= 1, nameof(BatchSize), BatchSize, "must be at least 1");
        Check(Epochs is null or >= 1, nameof(Epochs), Epochs, "must be at least 1");
        Check(TimeBudget is null || TimeBudget == Timeout.InfiniteTimeSpan || TimeBudget > TimeSpan.Zero, nameof(TimeBudget), TimeBudget, "must be positive (or Timeout.InfiniteTimeSpan for none)");
        Check(Patience >= 1, nameof(Patience), Patience, "must be at least 1");
        Check(Lr > 0, nameof(Lr), Lr, "must be positive");
        Check(Dropout is null or (>= 0 and < 1), nameof(Dropout), Dropout, "must lie in [0, 1)");
        Check(WordDropout is >= 0 and < 1, nameof(WordDropout), WordDropout, "must lie in [0, 1)");
        Check(DevFraction is >= 0 and < 1, nameof(DevFraction), DevFraction, "must lie in [0, 1)");
        Check(TestFraction is >= 0 and < 1 && DevFraction + TestFraction < 1, nameof(TestFraction), TestFraction, "must lie in [0, 1) and add up with DevFraction to less than 1");
        Check(EmbeddingDim is null or >= 1, nameof(EmbeddingDim), EmbeddingDim, "must be at least 1");
        Check(HiddenSize is null or >= 1, nameof(HiddenSize), HiddenSize, "must be at least 1");
        Check(Layers >= 1, nameof(Layers), Layers, "must be at least 1");
        Check(Cell is "lstm" or "gru", nameof(Cell), Cell, "must be lstm or gru");
        Check(Pooling is null || ModelConfig.Poolings.ContainsKey(Pooling), nameof(Pooling), Pooling ?? "", $"must be one of {string.Join(", ", ModelConfig.Poolings.Keys)}");
        Check(MinCount is null or >= 1, nameof(MinCount), MinCount, "must be at least 1");
        Check(MaxVocab >= 2, nameof(MaxVocab), MaxVocab, "must be at least 2");
        Check(MaxLength is null or >= 1, nameof(MaxLength), MaxLength, "must be at least 1");
        Check(TokenBudget is null or >= 1, nameof(TokenBudget), TokenBudget, "must be at least 1");
        Check(Clip >= 0, nameof(Clip), Clip, "must not be negative");
        Check(WeightDecay >= 0, nameof(WeightDecay), WeightDecay, "must not be negative");
        // The name's form only: the sub-word files are read once, when the run is built.
        if (SeqPack.Data.Tokenizer.SubwordSpec(Tokenizer) is null) SeqPack.Data.Tokenizer.Parse(Tokenizer);
    }
}

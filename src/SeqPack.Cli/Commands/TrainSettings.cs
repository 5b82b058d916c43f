using System.ComponentModel;
using SeqPack.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SeqPack.Cli.Commands;

/// <summary>Options of <c>seqpack train</c>. Unset model options take defaults that depend on the task.</summary>
public sealed class TrainSettings : DataSettings
{
    [CommandOption("--data <FILE>")]
    [Description("One data file, cut into train/dev/test (stratified by label). Default: the shipped SMS spam data.")]
    public string? Data { get; init; }

    [CommandOption("--train <FILE>")]
    [Description("Training file (with --dev/--test; what is missing is cut from it).")]
    public string? Train { get; init; }

    [CommandOption("--dev <FILE>")]
    [Description("Development file for the per-epoch table and early stopping.")]
    public string? Dev { get; init; }

    [CommandOption("--test <FILE>")]
    [Description("Test file, scored once with the best weights.")]
    public string? Test { get; init; }

    [CommandOption("--task <classify|tag>")]
    [Description("Task (default: inferred from the file).")]
    public string? Task { get; set; }

    [CommandOption("--out <DIR>")]
    [Description("Run folder. Default: runs/<timestamp>.")]
    public string? Out { get; init; }

    [CommandOption("--force")]
    [Description("Write into --out even if it already holds a run.")]
    public bool Force { get; init; }

    [CommandOption("--resume <DIR>")]
    [Description("Continue an interrupted run from its checkpoint (all other options come from the run).")]
    public string? Resume { get; init; }

    [CommandOption("--seed <N>")]
    [Description("Seed of splits, weights, batch order and dropout. Default: 1.")]
    public ulong Seed { get; init; } = 1;

    [CommandOption("--epochs <N>")]
    [Description("Train exactly this many epochs (early stopping aside) with a cosine decay. Default: at --lr until dev stops improving (--patience epochs without a better score), then a cosine decay over as many epochs again, within --time-budget.")]
    public int? Epochs { get; init; }

    [CommandOption("--time-budget <DURATION>")]
    [Description("Start no epoch that would end later than this after the start (90s, 5m, 1h, or none). Default: 5m without --epochs, none with it.")]
    public string? TimeBudget { get; init; }

    [CommandOption("--search <N>")]
    [Description("Train N configurations (learning rate, size, dropout, cell; the first is the default one), each with 1/N of --time-budget, keep the best on dev as the run and write search.tsv.")]
    public int? Search { get; init; }

    [CommandOption("--patience <N>")]
    [Description("Epochs without a better dev score that stop a run with --epochs, or start the final decay without it. Default: 3.")]
    public int Patience { get; init; } = 3;

    [CommandOption("--batch-size <N>")]
    [Description("Examples per batch. Default: 32.")]
    public int BatchSize { get; init; } = 32;

    [CommandOption("--token-budget <N>")]
    [Description("Also close a batch before its steps exceed N.")]
    public int? TokenBudget { get; init; }

    [CommandOption("--lr <X>")]
    [Description("Adam learning rate. Default: 0.002.")]
    public float Lr { get; init; } = 2e-3f;

    [CommandOption("--constant-lr")]
    [Description("With --epochs: keep --lr for every step (default: cosine decay from --lr to 0 over the planned epochs).")]
    public bool ConstantLr { get; init; }

    [CommandOption("--weight-decay <X>")]
    [Description("L2 penalty of Adam. Default: 0.")]
    public float WeightDecay { get; init; }

    [CommandOption("--clip <X>")]
    [Description("Clip the gradient norm to X (0: off). Default: 5.")]
    public float Clip { get; init; } = 5f;

    [CommandOption("--cell <lstm|gru>")]
    [Description("Recurrent cell. Default: lstm.")]
    public string Cell { get; set; } = "lstm";

    [CommandOption("--embedding-dim <N>")]
    [Description("Embedding size. Default: from the data (32 for up to 4 classes, 64 for more, 100 for tagging).")]
    public int? EmbeddingDim { get; init; }

    [CommandOption("--hidden-size <N>")]
    [Description("Hidden units per direction. Default: from the data (64 for up to 4 classes, 128 for more or for tagging).")]
    public int? HiddenSize { get; init; }

    [CommandOption("--pooling <final|max|final-max|mean-max>")]
    [Description("Classification: what the output layer reads of the recurrent outputs: the final states, the maximum over time, both, or the mean and the maximum over time. Default: final-max.")]
    public string? Pooling { get; set; }

    [CommandOption("--layers <N>")]
    [Description("Recurrent layers. Default: 1.")]
    public int Layers { get; init; } = 1;

    [CommandOption("--unidirectional")]
    [Description("Forward direction only (default: bidirectional).")]
    public bool Unidirectional { get; init; }

    [CommandOption("--dropout <P>")]
    [Description("Dropout on embeddings and recurrent outputs. Default: from the data (0.1 for up to 4 classes, 0.2 for more, 0.25 for tagging).")]
    public float? Dropout { get; init; }

    [CommandOption("--word-dropout <P>")]
    [Description("Tagging: chance of replacing a training word by <unk>. Default: 0.05.")]
    public float WordDropout { get; init; } = 0.05f;

    [CommandOption("--tokenizer <KIND>")]
    [Description("Classification tokens: chars, words, or a sub-word tokenizer from your files, wordpiece:VOCAB.txt, bpe:VOCAB.json,MERGES.txt or sentencepiece:FILE.model (copied into the run folder). Default: chars.")]
    public string Tokenizer { get; init; } = "chars";

    [CommandOption("--lowercase")]
    [Description("Lower-case text before tokenising (tagging words are always lower-cased for the word id).")]
    public bool Lowercase { get; init; }

    [CommandOption("--no-features")]
    [Description("Tagging: word ids only, without suffix and shape features.")]
    public bool NoFeatures { get; init; }

    [CommandOption("--min-count <N>")]
    [Description("Keep tokens seen at least N times in training. Default: 1 (chars, sub-word), 2 (words).")]
    public int? MinCount { get; init; }

    [CommandOption("--max-vocab <N>")]
    [Description("At most N vocabulary entries. Default: 50000.")]
    public int MaxVocab { get; init; } = 50_000;

    [CommandOption("--max-length <N>")]
    [Description("Cut training sequences after N steps (evaluation sees them whole).")]
    public int? MaxLength { get; init; }

    [CommandOption("--dev-fraction <X>")]
    [Description("Share cut for dev when no --dev is given. Default: 0.1.")]
    public double DevFraction { get; init; } = 0.1;

    [CommandOption("--test-fraction <X>")]
    [Description("Share cut for test when no --test is given. Default: 0.1.")]
    public double TestFraction { get; init; } = 0.1;

    [CommandOption("--stop-after-steps <N>", IsHidden = true)]
    [Description("Testing aid: behave as if Ctrl+C came after N optimiser steps.")]
    public int? StopAfterSteps { get; init; }

    /// <summary>Largest --batch-size, --epochs and --patience accepted.</summary>
    internal const int MaxCount = 1_000_000;
    /// <summary>Largest --embedding-dim and --hidden-size accepted.</summary>
    internal const int MaxWidth = 65_536;
    /// <summary>Largest --layers accepted.</summary>
    internal const int MaxLayers = 1_000;
    /// <summary>Largest --max-length accepted (steps of one sequence).</summary>
    internal const int MaxSteps = 100_000_000;
    /// <summary>Largest --max-vocab accepted.</summary>
    internal const int MaxVocabulary = 10_000_000;

    /// <summary>
    /// Training lines are read whole up to 64 KiB, or 16 bytes per step of --max-length when that is more: a
    /// sequence of a million steps costs gigabytes and minutes per batch, so it takes an explicit --max-length.
    /// </summary>
    internal override int MaxLineBytes => (int)Math.Clamp(16L * (MaxLength ?? 0), CommandLineBytes, Array.MaxLength);

    /// <summary>
    /// Checks every option before any work: integers and finite numbers within their ranges, choices (any case,
    /// normalised to lower case), options that go together, and the model's size against the memory available.
    /// </summary>
    public override ValidationResult Validate()
    {
        if (Data is not null && (Train is not null || Dev is not null || Test is not null))
            return ValidationResult.Error("--data cannot be combined with --train/--dev/--test; give one file with --data or the split files");
        if ((Dev is not null || Test is not null) && Train is null)
            return ValidationResult.Error("--dev/--test need --train; add --train FILE");
        if (Search is not null && Resume is not null)
            return ValidationResult.Error("--search cannot be combined with --resume: a search keeps only finished runs; start it again");
        var result = OptionRanges.First(
            OptionRanges.Integer("--threads", Threads, 1, 1024),
            OptionRanges.Integer("--search", Search, 1, SeqPack.Training.ConfigurationSearch.MaxCandidates),
            OptionRanges.Integer("--epochs", Epochs, 1, MaxCount),
            OptionRanges.Integer("--patience", Patience, 1, MaxCount),
            OptionRanges.Integer("--batch-size", BatchSize, 1, MaxCount),
            OptionRanges.Integer("--token-budget", TokenBudget, 1, int.MaxValue),
            OptionRanges.Real("--lr", Lr, 0, 10, minOpen: true),
            OptionRanges.Real("--weight-decay", WeightDecay, 0, 10),
            OptionRanges.Real("--clip", Clip, 0, 1e6),
            OptionRanges.Real("--dropout", Dropout, 0, 1, maxOpen: true),
            OptionRanges.Real("--word-dropout", WordDropout, 0, 1, maxOpen: true),
            OptionRanges.Real("--dev-fraction", DevFraction, 0, 1, maxOpen: true),
            OptionRanges.Real("--test-fraction", TestFraction, 0, 1, maxOpen: true),
            DevFraction + TestFraction >= 1
                ? $"--dev-fraction {DevFraction} and --test-fraction {TestFraction} add up to {DevFraction + TestFraction}; together they must stay below 1"
                : null,
            OptionRanges.Integer("--embedding-dim", EmbeddingDim, 1, MaxWidth),
            OptionRanges.Integer("--hidden-size", HiddenSize, 1, MaxWidth),
            OptionRanges.Integer("--layers", Layers, 1, MaxLayers),
            OptionRanges.Integer("--min-count", MinCount, 1, int.MaxValue),
            OptionRanges.Integer("--max-vocab", MaxVocab, 3, MaxVocabulary),
            OptionRanges.Integer("--max-length", MaxLength, 1, MaxSteps),
            OptionRanges.Integer("--stop-after-steps", StopAfterSteps, 0, int.MaxValue),
            OptionRanges.Choice("--cell", Cell, "lstm", "gru"),
            OptionRanges.Choice("--pooling", Pooling, [.. ModelConfig.Poolings.Keys]),
            OptionRanges.Choice("--task", Task, "classify", "tag"),
            TrainDefaults.TokenizerSyntax(Tokenizer),
            TimeBudget is not null && TrainDefaults.ParseDuration(TimeBudget) is null
                ? $"--time-budget must be a positive duration (90s, 5m, 1.5h; a bare number is seconds) or none; got '{TimeBudget}'"
                : null);
        if (!result.Successful) return result;
        Cell = Cell.ToLowerInvariant();
        Pooling = Pooling?.ToLowerInvariant();
        Task = Task?.ToLowerInvariant();
        // Unset sizes take the larger of the task defaults (the task is known only once the data is read).
        var parameters = ModelSize.Parameters(MaxVocab, EmbeddingDim ?? 100, HiddenSize ?? 128, Layers, !Unidirectional, Cell == "gru");
        return ModelSize.Check(parameters, ModelSize.AvailableBytes(), Layers, HiddenSize ?? 128) is string tooBig
            ? ValidationResult.Error(tooBig) : ValidationResult.Success();
    }
}

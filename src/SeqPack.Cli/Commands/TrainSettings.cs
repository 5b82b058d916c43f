using System.ComponentModel;
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
    public string? Task { get; init; }

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
    [Description("Train exactly this many epochs (early stopping aside) with a cosine decay. Default: until dev stops improving, halving the rate after each epoch that is not the best, within --time-budget.")]
    public int? Epochs { get; init; }

    [CommandOption("--time-budget <DURATION>")]
    [Description("Start no epoch that would end later than this after the start (90s, 5m, 1h, or none). Default: 5m without --epochs, none with it.")]
    public string? TimeBudget { get; init; }

    [CommandOption("--patience <N>")]
    [Description("Stop after this many epochs without a better dev score. Default: 3.")]
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
    public string Cell { get; init; } = "lstm";

    [CommandOption("--embedding-dim <N>")]
    [Description("Embedding size. Default: from the data (32 for up to 4 classes, 64 for more, 100 for tagging).")]
    public int? EmbeddingDim { get; init; }

    [CommandOption("--hidden-size <N>")]
    [Description("Hidden units per direction. Default: from the data (64 for up to 4 classes, 128 for more or for tagging).")]
    public int? HiddenSize { get; init; }

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

    [CommandOption("--tokenizer <chars|words>")]
    [Description("Classification tokens. Default: chars.")]
    public string Tokenizer { get; init; } = "chars";

    [CommandOption("--lowercase")]
    [Description("Lower-case text before tokenising (tagging words are always lower-cased for the word id).")]
    public bool Lowercase { get; init; }

    [CommandOption("--no-features")]
    [Description("Tagging: word ids only, without suffix and shape features.")]
    public bool NoFeatures { get; init; }

    [CommandOption("--min-count <N>")]
    [Description("Keep tokens seen at least N times in training. Default: 1 (chars), 2 (words).")]
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

    public override ValidationResult Validate()
    {
        if (Data is not null && (Train is not null || Dev is not null || Test is not null))
            return ValidationResult.Error("--data cannot be combined with --train/--dev/--test; give one file with --data or the split files");
        if ((Dev is not null || Test is not null) && Train is null)
            return ValidationResult.Error("--dev/--test need --train; add --train FILE");
        if (BatchSize < 1) return ValidationResult.Error($"--batch-size must be at least 1, got {BatchSize}");
        if (TimeBudget is not null && TrainDefaults.ParseDuration(TimeBudget) is null)
            return ValidationResult.Error($"--time-budget '{TimeBudget}' is not a duration; give a positive number with s, m or h (90s, 5m, 1.5h), or none.");
        if (Epochs is < 1) return ValidationResult.Error($"--epochs must be at least 1, got {Epochs}");
        if (Patience < 1) return ValidationResult.Error($"--patience must be at least 1, got {Patience}");
        if (Lr <= 0) return ValidationResult.Error($"--lr must be positive, got {Lr}");
        if (Dropout is < 0 or >= 1 || WordDropout is < 0 or >= 1) return ValidationResult.Error("--dropout and --word-dropout must lie in [0, 1)");
        if (DevFraction is < 0 or >= 1 || TestFraction is < 0 or >= 1 || DevFraction + TestFraction >= 1)
            return ValidationResult.Error("--dev-fraction and --test-fraction must lie in [0, 1) and add up to less than 1");
        if (EmbeddingDim is < 1 || HiddenSize is < 1 || Layers < 1) return ValidationResult.Error("--embedding-dim, --hidden-size and --layers must be at least 1");
        if (Cell is not ("lstm" or "gru")) return ValidationResult.Error($"--cell '{Cell}' is not known; use lstm or gru");
        return ValidationResult.Success();
    }
}

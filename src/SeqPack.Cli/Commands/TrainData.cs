using SeqPack.Cli.Infrastructure;
using SeqPack.Data;
using SeqPack.Training;

namespace SeqPack.Cli.Commands;

/// <summary>Reads the data files that the train options name and hands them to <see cref="RunData"/>.</summary>
internal static class TrainData
{
    /// <summary>Reads the files named by <paramref name="s"/> and builds the run (splits, vocabulary, labels, configuration).</summary>
    public static RunData Create(TrainSettings s)
    {
        var (main, dev, test) = Read(s);
        try
        {
            return RunData.Create(Options(s), main, dev, test);
        }
        catch (ArgumentException e)
        {
            throw new CliException(CliException.Strip(e));
        }
    }

    /// <summary>The datasets named by <paramref name="s"/>: the training (or only) file, and dev and test when given.</summary>
    public static (Dataset Main, Dataset? Dev, Dataset? Test) Read(TrainSettings s)
    {
        TaskKind? task = s.Task switch
        {
            null => null,
            "classify" => TaskKind.Classify,
            "tag" => TaskKind.Tag,
            _ => throw new CliException($"--task '{s.Task}' is not known; use classify or tag."),
        };
        // Read first, so a bad tokenizer file is reported before the data is read.
        var tokenizer = TrainDefaults.ParseTokenizer(s.Tokenizer);
        if (tokenizer.Kind == TokenizerKind.Subword && task == TaskKind.Tag) throw SubwordTagger(s.Tokenizer, "--task tag");
        string? single = s.Data ?? (s.Train is null ? TrainDefaults.Locate(TrainDefaults.SmsSpam) : null);
        var main = single is not null ? s.Load(single, "--data", task) : s.Load(s.Train, "--train", task);
        if (tokenizer.Kind == TokenizerKind.Subword && main.Task == TaskKind.Tag) throw SubwordTagger(s.Tokenizer, $"'{main.File}' holds tagging examples");
        if (s.Pooling is not null && main.Task == TaskKind.Tag)
            throw new CliException($"--pooling '{s.Pooling}' chooses what a classifier reads, but '{main.File}' holds tagging examples, " +
                "whose output layer reads every step; drop --pooling to train the tagger.", ExitCodes.Usage);
        var dev = s.Dev is null ? null : s.Load(s.Dev, "--dev", main.Task);
        var test = s.Test is null ? null : s.Load(s.Test, "--test", main.Task);
        return (main, dev, test);
    }

    private static CliException SubwordTagger(string value, string why) => new(
        $"--tokenizer '{value}' cuts classification texts, but {why}: a tagger reads space-separated tokens with one tag each; " +
        "drop --tokenizer to train the tagger, or train a classifier on label<TAB>text data.", ExitCodes.Usage);

    /// <summary>The library options that the command-line settings stand for.</summary>
    public static TrainingOptions Options(TrainSettings s) => new()
    {
        Tokenizer = s.Tokenizer, Lowercase = s.Lowercase, Features = !s.NoFeatures, MinCount = s.MinCount, MaxVocab = s.MaxVocab,
        Cell = s.Cell, Pooling = s.Pooling, EmbeddingDim = s.EmbeddingDim, HiddenSize = s.HiddenSize, Layers = s.Layers, Bidirectional = !s.Unidirectional,
        Dropout = s.Dropout, WordDropout = s.WordDropout, Epochs = s.Epochs,
        TimeBudget = s.TimeBudget is null ? null : TrainDefaults.ParseDuration(s.TimeBudget), BatchSize = s.BatchSize, TokenBudget = s.TokenBudget,
        Lr = s.Lr, Cosine = !s.ConstantLr, WeightDecay = s.WeightDecay, Clip = s.Clip, Patience = s.Patience, Seed = s.Seed,
        DevFraction = s.DevFraction, TestFraction = s.TestFraction, MaxLength = s.MaxLength,
    };

    /// <summary>Re-reads the data of a saved run in <paramref name="runFolder"/> (whose sub-word tokenizer it reuses); the files must be unchanged (same SHA-256).</summary>
    public static RunData ForResume(RunConfig config, DataSettings s, string runFolder)
    {
        var task = config.TaskKind;
        // A damaged tokenizer file is malformed data (exit 3), not a run that cannot be resumed; checked before the data is read.
        if (config.TokenizerFiles is not null)
        {
            try { RunData.EncoderOf(config, runFolder); }
            catch (InvalidDataException e) { throw new CliException(e.Message, ExitCodes.Data); }
        }
        var main = s.Load(config.Data.Train, "the run's training file", task);
        var dev = config.Data.Dev is null ? null : s.Load(config.Data.Dev, "the run's dev file", task);
        var test = config.Data.Test is null ? null : s.Load(config.Data.Test, "the run's test file", task);
        try
        {
            return RunData.Resume(config, main, dev, test, runFolder);
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException)
        {
            throw new CliException(CliException.Strip(e));
        }
    }
}

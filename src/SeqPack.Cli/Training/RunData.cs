using System.Security.Cryptography;
using SeqPack.Cli.Commands;
using SeqPack.Cli.Infrastructure;
using SeqPack.Data;

namespace SeqPack.Cli.Training;

/// <summary>The encoded train/dev/test splits of a run, with the configuration that encodes them.</summary>
internal sealed class RunData
{
    private RunData(RunConfig config, TextEncoder encoder, LabelSet labels, Encoded[] train, Encoded[] dev, Encoded[] test, int skipped, string source)
    {
        Config = config; Encoder = encoder; Labels = labels; Train = train; Dev = dev; Test = test; SkippedRows = skipped; Source = source;
    }

    public RunConfig Config { get; }
    public TextEncoder Encoder { get; }
    public LabelSet Labels { get; }
    public Encoded[] Train { get; }
    public Encoded[] Dev { get; }
    public Encoded[] Test { get; }
    public int SkippedRows { get; }
    public string Source { get; }

    /// <summary>Reads the files named by <paramref name="s"/>, cuts missing splits, builds vocabulary and labels, encodes.</summary>
    public static RunData Create(TrainSettings s)
    {
        TaskKind? task = s.Task switch
        {
            null => null,
            "classify" => TaskKind.Classify,
            "tag" => TaskKind.Tag,
            _ => throw new CliException($"--task '{s.Task}' is not known; use classify or tag."),
        };
        string? single = s.Data ?? (s.Train is null ? TrainDefaults.Locate(TrainDefaults.SmsSpam) : null);
        var main = single is not null ? s.Load(single, "--data", task) : s.Load(s.Train, "--train", task);
        task = main.Task;
        var devFile = s.Dev is null ? null : s.Load(s.Dev, "--dev", task);
        var testFile = s.Test is null ? null : s.Load(s.Test, "--test", task);
        var paths = new[] { main.File, devFile?.File, testFile?.File };
        var (train, dev, test) = Cut(main, devFile, testFile, s.DevFraction, s.TestFraction, s.Seed);

        bool classify = task == TaskKind.Classify;
        var tokenizer = TrainDefaults.ParseTokenizer(s.Tokenizer, s.Lowercase);
        bool features = !classify && !s.NoFeatures;
        int minCount = s.MinCount ?? (classify && tokenizer.Kind == TokenizerKind.Chars ? 1 : 2);
        var trainTokens = train.Select(e => classify ? tokenizer.Split(e.Text!) : e.Tokens!).ToList();
        var vocabulary = Vocabulary.Build(
            trainTokens.Select(tokens => tokens.SelectMany(t => TextEncoder.Units(t, features, lowercase: true))), minCount, s.MaxVocab);
        var labels = new LabelSet(train.Concat(dev).Concat(test).SelectMany(e => classify ? [e.Label!] : e.Tags!));

        var config = new RunConfig(
            RunConfig.FormatName, RunConfig.CurrentVersion, typeof(Tensor).Assembly.GetName().Version?.ToString(3) ?? "0.0.0",
            classify ? "classify" : "tag", tokenizer.Kind == TokenizerKind.Chars ? "chars" : "words", classify ? s.Lowercase : true, features,
            vocabulary.Tokens, labels.Labels,
            new ModelConfig(s.Cell, s.EmbeddingDim ?? (classify ? 32 : 100), s.HiddenSize ?? (classify ? 64 : 128), s.Layers, !s.Unidirectional,
                s.Dropout ?? (classify ? 0.1f : 0.25f), features ? 3 : 1),
            new TrainingConfig(s.Epochs ?? (classify ? 12 : 15), s.BatchSize, s.TokenBudget, s.Lr, s.WeightDecay, s.Clip, s.Patience, s.Seed,
                s.DevFraction, s.TestFraction, s.MaxLength, classify ? 0f : s.WordDropout, !s.ConstantLr),
            new DataConfig(Path.GetFullPath(main.File), devFile is null ? null : Path.GetFullPath(devFile.File),
                testFile is null ? null : Path.GetFullPath(testFile.File), Hashes(paths)));
        return Build(config, train, dev, test, main.SkippedRows + (devFile?.SkippedRows ?? 0) + (testFile?.SkippedRows ?? 0), Describe(main, devFile, testFile));
    }

    /// <summary>Re-reads the data of a saved run; the files must be unchanged (same SHA-256).</summary>
    public static RunData ForResume(RunConfig config, DataSettings s)
    {
        var task = config.Task == "tag" ? TaskKind.Tag : TaskKind.Classify;
        var files = new[] { config.Data.Train, config.Data.Dev, config.Data.Test };
        foreach (var (file, hash) in files.Where(f => f is not null).Zip(Hashes(files).Values))
            if (config.Data.Sha256.TryGetValue(Path.GetFileName(file!), out var saved) && saved != hash)
                throw new CliException($"'{file}' changed since the run started (SHA-256 differs); restore it, or start a new run instead of --resume.");
        var main = s.Load(config.Data.Train, "the run's training file", task);
        var dev = config.Data.Dev is null ? null : s.Load(config.Data.Dev, "the run's dev file", task);
        var test = config.Data.Test is null ? null : s.Load(config.Data.Test, "the run's test file", task);
        var (train, devRows, testRows) = Cut(main, dev, test, config.Training.DevFraction, config.Training.TestFraction, config.Training.Seed);
        return Build(config, train, devRows, testRows, main.SkippedRows, Describe(main, dev, test));
    }

    private sealed record Row(string? Text, string? Label, string[]? Tokens, string[]? Tags);

    private static List<Row> Rows(Dataset d) => d.Task == TaskKind.Classify
        ? d.Texts.Select(t => new Row(t.Text, t.Label, null, null)).ToList()
        : d.Sentences.Select(t => new Row(null, null, t.Tokens, t.Tags)).ToList();

    private static (List<Row> Train, List<Row> Dev, List<Row> Test) Cut(Dataset main, Dataset? dev, Dataset? test, double devFraction, double testFraction, ulong seed)
    {
        var rows = Rows(main);
        int[]? strata = null;
        if (main.Task == TaskKind.Classify)
        {
            var labelIndex = new LabelSet(rows.Select(r => r.Label!));
            strata = rows.Select(r => labelIndex.IndexOf(r.Label!)).ToArray();
        }
        var (tr, dv, te) = Splits.Cut(rows.Count, strata, dev is null ? devFraction : 0, test is null ? testFraction : 0, seed);
        var train = tr.Select(i => rows[i]).ToList();
        if (train.Count == 0) throw new CliException($"'{main.File}' has too few examples ({rows.Count}) to cut dev and test splits from; give more data or --dev-fraction 0 --test-fraction 0 with --dev/--test files.", ExitCodes.Data);
        // A run needs a dev set (early stopping, the best model) and, when a test share was asked for, a test set:
        // an empty one would report 0% and keep an arbitrary model.
        if (dev is null && dv.Length == 0)
            throw new CliException(devFraction == 0
                ? "--dev-fraction 0 without --dev leaves no dev set to choose the best epoch; give --dev FILE or a --dev-fraction above 0."
                : $"'{main.File}' has too few examples ({rows.Count}) for a dev split of {devFraction:0.###} (it would hold none); give more data or a --dev file.", ExitCodes.Data);
        if (test is null && testFraction > 0 && te.Length == 0)
            throw new CliException($"'{main.File}' has too few examples ({rows.Count}) for a test split of {testFraction:0.###} (it would hold none); give more data, a --test file, or --test-fraction 0.", ExitCodes.Data);
        if (main.Task == TaskKind.Classify)
        {
            var classes = train.Select(r => r.Label!).Distinct(StringComparer.Ordinal).ToList();
            if (classes.Count < 2)
                throw new CliException($"the training rows of '{main.File}' hold one class only ('{classes[0]}'); a classifier needs at least two, so add examples of the other classes.", ExitCodes.Data);
        }
        return (train, dev is null ? dv.Select(i => rows[i]).ToList() : Rows(dev), test is null ? te.Select(i => rows[i]).ToList() : Rows(test));
    }

    private static RunData Build(RunConfig config, List<Row> train, List<Row> dev, List<Row> test, int skipped, string source)
    {
        var task = config.Task == "tag" ? TaskKind.Tag : TaskKind.Classify;
        var tokenizer = TrainDefaults.ParseTokenizer(config.Tokenizer, config.Lowercase);
        var encoder = new TextEncoder(task, tokenizer, config.Features, Vocabulary.FromTokens(config.Vocabulary));
        var labels = new LabelSet(config.Labels);
        Encoded[] Encode(List<Row> rows) => rows.Select(r => EncodeRow(encoder, labels, r.Text, r.Label, r.Tokens, r.Tags)).ToArray();
        return new RunData(config, encoder, labels, Encode(train), Encode(dev), Encode(test), skipped, source);
    }

    /// <summary>Encodes one example; a label the model does not know is a one-line error.</summary>
    public static Encoded EncodeRow(TextEncoder encoder, LabelSet labels, string? text, string? label, string[]? tokens, string[]? tags)
    {
        int Index(string l)
        {
            int i = labels.IndexOf(l);
            if (i < 0) throw new CliException($"the label '{l}' is not one the model knows ({string.Join(", ", labels.Labels.Take(20))}); evaluate on data with the model's labels or retrain with this label.");
            return i;
        }
        if (text is not null)
        {
            var ids = encoder.Encode(encoder.Tokens(text));
            if (ids.Length == 0) ids = [Vocabulary.UnkId];                           // a text of only spaces under word tokens
            return new Encoded(ids, ids.Length / encoder.IdsPerStep, Index(label!), null);
        }
        var tokenIds = encoder.Encode(tokens!);
        return new Encoded(tokenIds, tokens!.Length, -1, tags!.Select(Index).ToArray());
    }

    private static Dictionary<string, string> Hashes(IEnumerable<string?> files)
    {
        var result = new Dictionary<string, string>();
        foreach (var f in files)
            if (f is not null && File.Exists(f))
                result[Path.GetFileName(f)] = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(f)));
        return result;
    }

    private static string Describe(Dataset main, Dataset? dev, Dataset? test) =>
        Path.GetFileName(main.File) + (dev is null ? "" : $" + {Path.GetFileName(dev.File)}") + (test is null ? "" : $" + {Path.GetFileName(test.File)}");
}

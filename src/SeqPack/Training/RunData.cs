using System.Security.Cryptography;
using SeqPack.Data;

namespace SeqPack.Training;

/// <summary>
/// The encoded train/dev/test splits of a run, with the configuration that encodes them: the vocabulary is
/// built from the training split only, the labels from all splits.
/// </summary>
public sealed class RunData
{
    private RunData(RunConfig config, TextEncoder encoder, LabelSet labels, Encoded[] train, Encoded[] dev, Encoded[] test, int skipped, string source)
    {
        Config = config; Encoder = encoder; Labels = labels; Train = train; Dev = dev; Test = test; SkippedRows = skipped; Source = source;
    }

    /// <summary>The configuration (config.json) of the run.</summary>
    public RunConfig Config { get; }

    /// <summary>Turns texts or tokens into ids.</summary>
    public TextEncoder Encoder { get; }

    /// <summary>The classes or tags.</summary>
    public LabelSet Labels { get; }

    /// <summary>The training examples.</summary>
    public Encoded[] Train { get; }

    /// <summary>The dev examples (scored after every epoch).</summary>
    public Encoded[] Dev { get; }

    /// <summary>The test examples (scored once, with the best weights).</summary>
    public Encoded[] Test { get; }

    /// <summary>Malformed rows the readers skipped.</summary>
    public int SkippedRows { get; }

    /// <summary>The file names the data came from, e.g. <c>train.tsv + dev.tsv</c>.</summary>
    public string Source { get; }

    /// <summary>
    /// Builds a run from <paramref name="train"/> (and <paramref name="dev"/>/<paramref name="test"/> when given;
    /// otherwise they are cut from <paramref name="train"/>, stratified by label, by the options' fractions):
    /// vocabulary, labels, configuration, encoded splits. All datasets must have the same task.
    /// </summary>
    public static RunData Create(TrainingOptions options, Dataset train, Dataset? dev = null, Dataset? test = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(train);
        options.Validate();
        var task = train.Task;
        if (options.Task is TaskKind wanted && wanted != task)
            throw new ArgumentException($"the training data '{train.File}' holds {task} examples but the options ask for {wanted}; give data of that task.", nameof(train));
        foreach (var (d, name) in new[] { (dev, nameof(dev)), (test, nameof(test)) })
            if (d is not null && d.Task != task)
                throw new ArgumentException($"'{d.File}' holds {d.Task} examples but the training data {task}; give files of one task.", name);
        bool classify = task == TaskKind.Classify;
        // A tagger's word ids are always lower-cased (config.json says so, and Resume and TrainedModel.Load encode
        // that way): the tokenizer that encodes this run's splits must agree, or capitalised words become <unk>.
        var tokenizer = Tokenizer.Parse(options.Tokenizer, classify ? options.Lowercase : true);
        if (!classify && tokenizer.Kind == TokenizerKind.Subword)
            throw new ArgumentException($"the tokenizer '{options.Tokenizer}' cuts classification texts, but '{train.File}' holds tagging examples, " +
                "whose space-separated tokens carry one tag each; drop the sub-word tokenizer for a tagger, or train a classifier.", nameof(options));
        if (!classify && options.Pooling is not null)
            throw new ArgumentException($"pooling '{options.Pooling}' chooses what a classifier reads, but '{train.File}' holds tagging examples, " +
                "whose output layer reads every step; drop the pooling option for a tagger.", nameof(options));
        var (trainRows, devRows, testRows) = Cut(train, dev, test, options.DevFraction, options.TestFraction, options.Seed);

        bool features = !classify && options.Features;
        int minCount = options.MinCount ?? (classify && tokenizer.Kind != TokenizerKind.Words ? 1 : 2);
        var trainTokens = trainRows.Select(e => classify ? tokenizer.Split(e.Text!) : e.Tokens!).ToList();
        var vocabulary = Vocabulary.Build(
            trainTokens.Select(tokens => tokens.SelectMany(t => TextEncoder.Units(t, features, lowercase: true))), minCount, options.MaxVocab);
        var labels = new LabelSet(trainRows.Concat(devRows).Concat(testRows).SelectMany(e => classify ? [e.Label!] : e.Tags!));

        var size = ModelDefaults.Choose(classify, trainRows.Count, labels.Labels.Count);
        var config = new RunConfig(
            RunConfig.FormatName, RunConfig.CurrentVersion, typeof(Tensor).Assembly.GetName().Version?.ToString(3) ?? "0.0.0",
            classify ? "classify" : "tag", tokenizer.Name, tokenizer.Lowercase, features,
            vocabulary.Tokens, labels.Labels,
            new ModelConfig(options.Cell, options.EmbeddingDim ?? size.EmbeddingDim, options.HiddenSize ?? size.HiddenSize, options.Layers,
                options.Bidirectional, options.Dropout ?? size.Dropout, features ? 3 : 1, classify ? options.Pooling ?? ModelConfig.NameOf(size.Pooling!.Value) : null),
            new TrainingConfig(options.Epochs ?? TrainingOptions.MaxEpochs, options.BatchSize, options.TokenBudget, options.Lr, options.WeightDecay,
                options.Clip, options.Patience, options.Seed, options.DevFraction, options.TestFraction, options.MaxLength,
                classify ? 0f : options.WordDropout, options.ResolvedSchedule == TrainingOptions.CosineSchedule,
                options.ResolvedSchedule, options.ResolvedTimeBudgetSeconds),
            new DataConfig(Path.GetFullPath(train.File), dev is null ? null : Path.GetFullPath(dev.File),
                test is null ? null : Path.GetFullPath(test.File), Hashes([train.File, dev?.File, test?.File])),
            tokenizer.Subword is null ? null : SubwordTokenizer.Layouts[tokenizer.Subword.Kind].Select(f => $"{RunConfig.TokenizerFolder}/{f}").ToArray());
        return Build(config, tokenizer, trainRows, devRows, testRows, train.SkippedRows + (dev?.SkippedRows ?? 0) + (test?.SkippedRows ?? 0), Describe(train, dev, test));
    }

    /// <summary>
    /// Rebuilds the data of a saved run from its files, read again (<paramref name="dev"/> and <paramref name="test"/>
    /// exactly when the run had such files). A file whose SHA-256 differs from the one in
    /// <paramref name="config"/> is an <see cref="InvalidDataException"/>: the splits and vocabulary would differ.
    /// A run with a sub-word tokenizer reads it from <paramref name="runFolder"/> (see <see cref="EncoderOf"/>).
    /// </summary>
    public static RunData Resume(RunConfig config, Dataset train, Dataset? dev = null, Dataset? test = null, string? runFolder = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(train);
        foreach (var file in new[] { train.File, dev?.File, test?.File })
        {
            if (file is null) continue;
            var hash = Hashes([file]).Values.FirstOrDefault();
            if (hash is not null && config.Data.Sha256.TryGetValue(Path.GetFileName(file), out var saved) && saved != hash)
                throw new InvalidDataException($"'{file}' changed since the run started (SHA-256 differs); restore it, or start a new run instead of resuming.");
        }
        var t = config.Training;
        var (trainRows, devRows, testRows) = Cut(train, dev, test, t.DevFraction, t.TestFraction, t.Seed);
        return Build(config, TokenizerOf(config, runFolder), trainRows, devRows, testRows, train.SkippedRows, Describe(train, dev, test));
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
            if (rows.Count == 0) throw new ArgumentException($"'{main.File}' holds no examples; give a file with label<TAB>text or tokens<TAB>tags rows.", nameof(main));
            var labelIndex = new LabelSet(rows.Select(r => r.Label!));
            strata = rows.Select(r => labelIndex.IndexOf(r.Label!)).ToArray();
        }
        var (tr, dv, te) = Splits.Cut(rows.Count, strata, dev is null ? devFraction : 0, test is null ? testFraction : 0, seed);
        var train = tr.Select(i => rows[i]).ToList();
        if (train.Count == 0)
            throw new InvalidDataException($"'{main.File}' has too few examples ({rows.Count}) to cut dev and test splits from; give more data, or dev and test files with fractions 0.");
        // A run needs a dev set (early stopping, the best model) and, when a test share was asked for, a test set:
        // an empty one would report 0% and keep an arbitrary model.
        if (dev is null && dv.Length == 0)
            throw new InvalidDataException(devFraction == 0
                ? "a dev fraction of 0 without a dev file leaves no dev set to choose the best epoch; give a dev file (--dev) or a dev fraction above 0."
                : $"'{main.File}' has too few examples ({rows.Count}) for a dev split of {devFraction:0.###} (it would hold none); give more data or a dev file.");
        if (test is null && testFraction > 0 && te.Length == 0)
            throw new InvalidDataException($"'{main.File}' has too few examples ({rows.Count}) for a test split of {testFraction:0.###} (it would hold none); give more data, a test file, or a test fraction of 0.");
        if (main.Task == TaskKind.Classify)
        {
            var classes = train.Select(r => r.Label!).Distinct(StringComparer.Ordinal).ToList();
            if (classes.Count < 2)
                throw new InvalidDataException($"the training rows of '{main.File}' hold one class only ('{classes[0]}'); a classifier needs at least two, so add examples of the other classes.");
        }
        return (train, dev is null ? dv.Select(i => rows[i]).ToList() : Rows(dev), test is null ? te.Select(i => rows[i]).ToList() : Rows(test));
    }

    private static RunData Build(RunConfig config, Tokenizer tokenizer, List<Row> train, List<Row> dev, List<Row> test, int skipped, string source)
    {
        var encoder = new TextEncoder(config.TaskKind, tokenizer, config.Features, Vocabulary.FromTokens(config.Vocabulary));
        var labels = new LabelSet(config.Labels);
        Encoded[] Encode(List<Row> rows) => rows.Select(r => EncodeRow(encoder, labels, r.Text, r.Label, r.Tokens, r.Tags)).ToArray();
        return new RunData(config, encoder, labels, Encode(train), Encode(dev), Encode(test), skipped, source);
    }

    /// <summary>
    /// The text encoder that <paramref name="config"/> describes. A run with a sub-word tokenizer (a
    /// <see cref="RunConfig.TokenizerFiles"/> list) loads it from those files in <paramref name="runFolder"/>, which
    /// it then needs (else an <see cref="ArgumentException"/>); a missing file is a <see cref="FileNotFoundException"/>
    /// and a damaged one an <see cref="InvalidDataException"/>, each naming the file.
    /// </summary>
    public static TextEncoder EncoderOf(RunConfig config, string? runFolder = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new TextEncoder(config.TaskKind, TokenizerOf(config, runFolder), config.Features, Vocabulary.FromTokens(config.Vocabulary));
    }

    private static Tokenizer TokenizerOf(RunConfig config, string? runFolder)
    {
        if (config.TokenizerFiles is null) return Tokenizer.Parse(config.Tokenizer, config.Lowercase);
        if (string.IsNullOrEmpty(runFolder))
            throw new ArgumentException($"the run's {config.Tokenizer} tokenizer is read from its files in the run folder; pass the run folder.", nameof(runFolder));
        var paths = config.TokenizerFiles.Select(f => Path.Combine(runFolder, f)).ToArray();
        foreach (var path in paths)
            if (!File.Exists(path))
                throw new FileNotFoundException($"'{runFolder}' lacks '{path}', a file of its {config.Tokenizer} tokenizer that config.json names; restore it from the files given to train, or retrain.", path);
        try { return Tokenizer.FromSubword(SubwordTokenizer.Open(config.Tokenizer, paths), config.Lowercase); }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"the tokenizer files of '{runFolder}' are damaged ({e.Message.TrimEnd('.')}); restore them from the files given to train, or retrain.", e);
        }
    }

    /// <summary>
    /// Encodes one example: a <paramref name="text"/> with its <paramref name="label"/> (classification), or
    /// <paramref name="tokens"/> with their <paramref name="tags"/> (tagging). A text without tokens becomes one
    /// &lt;unk&gt; step; a label the model does not know is an <see cref="ArgumentException"/>.
    /// </summary>
    public static Encoded EncodeRow(TextEncoder encoder, LabelSet labels, string? text, string? label, string[]? tokens, string[]? tags)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(labels);
        int Index(string l)
        {
            int i = labels.IndexOf(l);
            if (i < 0) throw new ArgumentException($"the label '{l}' is not one the model knows ({string.Join(", ", labels.Labels.Take(20))}); evaluate on data with the model's labels or retrain with this label.", nameof(label));
            return i;
        }
        if (text is not null)
        {
            ArgumentNullException.ThrowIfNull(label);
            var ids = encoder.Encode(encoder.Tokens(text));
            if (ids.Length == 0) ids = [Vocabulary.UnkId];                           // a text of only spaces under word tokens
            return new Encoded(ids, ids.Length / encoder.IdsPerStep, Index(label), null);
        }
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(tags);
        if (tokens.Length != tags.Length)
            throw new ArgumentException($"{tokens.Length} tokens but {tags.Length} tags; give one tag per token.", nameof(tags));
        var tokenIds = encoder.Encode(tokens);
        return new Encoded(tokenIds, tokens.Length, -1, tags.Select(Index).ToArray());
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

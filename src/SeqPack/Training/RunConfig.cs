using System.Text.Json;
using SeqPack.IO;
using SeqPack.Models;
using System.Text.Json.Serialization;

namespace SeqPack.Training;

/// <summary>Architecture of a saved model (the <c>model</c> object of config.json).</summary>
/// <param name="Cell"><c>lstm</c> or <c>gru</c>.</param>
/// <param name="EmbeddingDim">Width of the embedding.</param>
/// <param name="HiddenSize">Hidden units per direction.</param>
/// <param name="NumLayers">Stacked recurrent layers.</param>
/// <param name="Bidirectional">Whether each layer also runs backwards.</param>
/// <param name="Dropout">Dropout after the embedding, between layers and before the output layer.</param>
/// <param name="IdsPerStep">Ids the network reads per time step (tagger features: 3).</param>
/// <param name="Pooling">What a classifier's output layer reads (a key of <see cref="Poolings"/>); absent in older files,
/// which read the final state.</param>
public sealed record ModelConfig(string Cell, int EmbeddingDim, int HiddenSize, int NumLayers, bool Bidirectional, float Dropout, int IdsPerStep,
    string? Pooling = null)
{
    /// <summary>The names of <see cref="ClassifierPooling"/> values in config.json and on the command line.</summary>
    public static IReadOnlyDictionary<string, ClassifierPooling> Poolings { get; } = new Dictionary<string, ClassifierPooling>
    {
        ["final"] = ClassifierPooling.FinalState,
        ["max"] = ClassifierPooling.Max,
        ["final-max"] = ClassifierPooling.FinalStateAndMax,
        ["mean-max"] = ClassifierPooling.MeanAndMax,
    };

    /// <summary>The name of <paramref name="pooling"/> in <see cref="Poolings"/>.</summary>
    public static string NameOf(ClassifierPooling pooling) => Poolings.First(p => p.Value == pooling).Key;

    /// <summary>The classifier pooling in force: <see cref="Pooling"/>, or <see cref="ClassifierPooling.FinalState"/> when absent.</summary>
    [JsonIgnore]
    public ClassifierPooling EffectivePooling => Pooling is null ? ClassifierPooling.FinalState : Poolings[Pooling];
}

/// <summary>Optimisation settings of a run (the <c>training</c> object of config.json); see <see cref="TrainingOptions"/> for each.</summary>
/// <remarks>
/// <see cref="Schedule"/> is <c>cosine</c>, <c>constant</c> or <c>plateau</c> (absent in older files: <c>cosine</c>
/// or <c>constant</c> from <see cref="Cosine"/>); with <c>plateau</c>, <see cref="Epochs"/> is only an upper bound.
/// <see cref="TimeBudgetSeconds"/> (absent: none) stops the run before an epoch that would end past it.
/// </remarks>
public sealed record TrainingConfig(int Epochs, int BatchSize, int? TokenBudget, float Lr, float WeightDecay, float Clip, int Patience,
    ulong Seed, double DevFraction, double TestFraction, int? MaxLength, float WordDropout, bool Cosine = true,
    string? Schedule = null, double? TimeBudgetSeconds = null)
{
    /// <summary>The schedule in force: <see cref="Schedule"/>, or for files without it <c>cosine</c>/<c>constant</c> from <see cref="Cosine"/>.</summary>
    [JsonIgnore]
    public string EffectiveSchedule => Schedule ?? (Cosine ? TrainingOptions.CosineSchedule : TrainingOptions.ConstantSchedule);
}

/// <summary>The data a run used (the <c>data</c> object of config.json): full paths and the SHA-256 of each file by file name.</summary>
public sealed record DataConfig(string? Train, string? Dev, string? Test, Dictionary<string, string> Sha256);

/// <summary>
/// config.json of a run folder: everything needed to rebuild the model and encode new input (vocabulary,
/// labels, tokenisation, features, hyper-parameters) plus where the data came from. docs/RUN-FOLDER.md
/// describes every field. <see cref="Version"/> is the format version: a file without it is version 1, a
/// version above <see cref="CurrentVersion"/> is refused. <see cref="TokenizerFiles"/> is null (and absent from the
/// file) unless <see cref="Tokenizer"/> is a sub-word kind, so a file written before sub-word tokenizers reads as before.
/// </summary>
public sealed record RunConfig(
    string Format, int Version, string SeqpackVersion, string Task, string Tokenizer, bool Lowercase, bool Features,
    IReadOnlyList<string> Vocabulary, IReadOnlyList<string> Labels, ModelConfig Model, TrainingConfig Training, DataConfig Data,
    IReadOnlyList<string>? TokenizerFiles = null)
{
    /// <summary>The folder of a run that holds the files of its sub-word tokenizer (named in <see cref="TokenizerFiles"/> as <c>tokenizer/NAME</c>).</summary>
    public const string TokenizerFolder = "tokenizer";

    /// <summary>The value of <see cref="Format"/> in every run configuration.</summary>
    public const string FormatName = "seqpack-run";

    /// <summary>The format version this library writes and the highest it reads.</summary>
    public const int CurrentVersion = 1;

    /// <summary>The file name of the configuration inside a run folder.</summary>
    public const string FileName = "config.json";

    /// <summary>The JSON settings of config.json and of the run state in checkpoint.safetensors (camelCase, indented).</summary>
    public static JsonSerializerOptions Json { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The task as an enum.</summary>
    [JsonIgnore]
    public global::SeqPack.Data.TaskKind TaskKind => Task == "tag" ? global::SeqPack.Data.TaskKind.Tag : global::SeqPack.Data.TaskKind.Classify;

    /// <summary>Writes this configuration as config.json into <paramref name="runFolder"/> (which must exist).</summary>
    public void Save(string runFolder)
    {
        ArgumentException.ThrowIfNullOrEmpty(runFolder);
        AtomicFile.WriteText(Path.Combine(runFolder, FileName), JsonSerializer.Serialize(this, Json));
    }

    /// <summary>
    /// Reads config.json of <paramref name="runFolder"/>. A missing folder or file is a
    /// <see cref="DirectoryNotFoundException"/> or <see cref="FileNotFoundException"/>; a file that is not a run
    /// configuration, is damaged, or has a newer format version is an <see cref="InvalidDataException"/>; each
    /// message is one line that names the path and the fix.
    /// </summary>
    public static RunConfig Load(string runFolder)
    {
        ArgumentException.ThrowIfNullOrEmpty(runFolder);
        if (!Directory.Exists(runFolder))
            throw new DirectoryNotFoundException($"run folder '{runFolder}' does not exist; pass the folder a training run wrote.");
        var path = Path.Combine(runFolder, FileName);
        if (!File.Exists(path))
            throw new FileNotFoundException($"'{runFolder}' has no {FileName}; pass the folder a training run wrote.", path);
        return Read(path);
    }

    /// <summary>
    /// Reads and checks the config.json at <paramref name="path"/>: its format and version, then every field against
    /// what training writes; any problem is an <see cref="InvalidDataException"/> naming the field.
    /// </summary>
    public static RunConfig Read(string path)
    {
        var text = File.ReadAllText(path);
        try
        {
            using var doc = JsonDocument.Parse(text);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("format", out var f) && f.ValueKind == JsonValueKind.String
                && f.GetString() == FormatName && (!root.TryGetProperty("version", out var v) || (v.TryGetInt32(out int n) && n is >= 0 and <= CurrentVersion)))
                RunConfigCheck.Validate(root, path);
        }
        catch (JsonException e) { throw new InvalidDataException($"{path} cannot be read ({e.Message}); retrain the model or restore the file."); }
        RunConfig? config;
        try { config = JsonSerializer.Deserialize<RunConfig>(text, Json); }
        catch (JsonException e) { throw new InvalidDataException($"{path} cannot be read ({e.Message}); retrain the model or restore the file."); }
        if (config is null || config.Format != FormatName)
            throw new InvalidDataException($"{path} is not a SeqPack run configuration (\"format\" is not \"{FormatName}\"); pass the folder a training run wrote.");
        if (config.Version > CurrentVersion)
            throw new InvalidDataException($"{path} has format version {config.Version}, newer than the version {CurrentVersion} this SeqPack reads; update SeqPack.");
        if (config.Version < 0)
            throw new InvalidDataException($"{path} has format version {config.Version}, which no SeqPack writes; retrain the model or restore the file.");
        if (config.Vocabulary is null || config.Labels is null || config.Model is null || config.Training is null || config.Task is null || config.Tokenizer is null)
            throw new InvalidDataException($"{path} lacks one of task, tokenizer, vocabulary, labels, model, training; retrain the model or restore the file.");
        if (config.Task is not ("classify" or "tag"))
            throw new InvalidDataException($"{path} has task '{config.Task}'; SeqPack knows classify and tag.");
        if (config.Tokenizer is not ("chars" or "words") && config.TokenizerFiles is null)
            throw new InvalidDataException($"{path} has tokenizer '{config.Tokenizer}' but no tokenizerFiles; retrain the model or restore the file.");
        if (config.Model.Cell is not ("lstm" or "gru"))
            throw new InvalidDataException($"{path} has cell '{config.Model.Cell}'; SeqPack knows lstm and gru.");
        // A file of the first format has no "version" field; it reads as version 1.
        return config.Version == 0 ? config with { Version = 1 } : config;
    }
}

using System.Text.Json;
using System.Text.Json.Serialization;
using SeqPack.Cli.Infrastructure;

namespace SeqPack.Cli.Training;

/// <summary>Architecture of a saved model.</summary>
internal sealed record ModelConfig(string Cell, int EmbeddingDim, int HiddenSize, int NumLayers, bool Bidirectional, float Dropout, int IdsPerStep);

/// <summary>Optimisation settings of a run.</summary>
internal sealed record TrainingConfig(int Epochs, int BatchSize, int? TokenBudget, float Lr, float WeightDecay, float Clip, int Patience,
    ulong Seed, double DevFraction, double TestFraction, int? MaxLength, float WordDropout, bool Cosine = true);

/// <summary>The data a run used: files and their SHA-256.</summary>
internal sealed record DataConfig(string? Train, string? Dev, string? Test, Dictionary<string, string> Sha256);

/// <summary>
/// config.json of a run folder: everything needed to rebuild the model and encode new input — vocabulary,
/// labels, tokenisation, features, hyper-parameters — plus where the data came from.
/// </summary>
internal sealed record RunConfig(
    string Format, int Version, string SeqpackVersion, string Task, string Tokenizer, bool Lowercase, bool Features,
    IReadOnlyList<string> Vocabulary, IReadOnlyList<string> Labels, ModelConfig Model, TrainingConfig Training, DataConfig Data)
{
    public const string FormatName = "seqpack-run";
    public const int CurrentVersion = 1;
    public const string FileName = "config.json";

    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Writes config.json into <paramref name="dir"/> atomically (temporary file, then one rename).</summary>
    public void Save(string dir, SeqPack.IO.FileOps? files = null) =>
        SeqPack.IO.AtomicFile.WriteText(Path.Combine(dir, FileName), JsonSerializer.Serialize(this, Json), files);

    /// <summary>
    /// Reads and checks the config.json at <paramref name="path"/>: its format and version, then every field
    /// (<see cref="RunConfigCheck"/>); any problem is a one-line error naming the field.
    /// </summary>
    public static RunConfig Read(string path)
    {
        var text = File.ReadAllText(path);
        JsonDocument doc;
        try { doc = JsonDocument.Parse(text); }
        catch (JsonException e) { throw new CliException($"{path} cannot be read ({e.Message}); retrain the model or restore the file.", ExitCodes.Data); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("format", out var format) || format.ValueKind != JsonValueKind.String
                || format.GetString() != FormatName)
                throw new CliException($"{path} is not a SeqPack run configuration; pass the folder a train run wrote.", ExitCodes.Data);
            if (!root.TryGetProperty("version", out var version) || !version.TryGetInt32(out int v) || v != CurrentVersion)
                throw new CliException($"{path} has format version {(version.ValueKind == JsonValueKind.Undefined ? "(none)" : version.GetRawText())} but this seqpack reads version {CurrentVersion}; retrain the model with this version.", ExitCodes.Data);
            RunConfigCheck.Validate(root, path);
        }
        try
        {
            return JsonSerializer.Deserialize<RunConfig>(text, Json)!;
        }
        catch (JsonException e)
        {
            throw new CliException($"{path} cannot be read ({e.Message}); retrain the model or restore the file.", ExitCodes.Data);
        }
    }

    /// <summary>Reads config.json of <paramref name="dir"/>, with one-line errors for a folder that is not a run of this version.</summary>
    public static RunConfig Load(string dir)
    {
        if (!Directory.Exists(dir)) throw new CliException($"--model '{dir}' does not exist; pass the folder a train run wrote (its --out).", ExitCodes.Files);
        var path = Path.Combine(dir, FileName);
        if (!File.Exists(path)) throw new CliException($"--model '{dir}' has no {FileName}; pass the folder a train run wrote (its --out).", ExitCodes.Files);
        var config = Read(path);
        if (!File.Exists(Path.Combine(dir, "model.safetensors")))
            throw new CliException($"--model '{dir}' has no model.safetensors (training stopped before its first epoch ended?); resume it with 'seqpack train --resume {dir}' or retrain.");
        return config;
    }
}

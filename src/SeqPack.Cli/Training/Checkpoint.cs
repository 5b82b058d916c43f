using System.Globalization;
using System.Text.Json;
using SeqPack.Cli.Infrastructure;
using SeqPack.IO;
using SeqPack.Optim;

namespace SeqPack.Cli.Training;

/// <summary>
/// The checkpoint of a run folder: one file, checkpoint.safetensors, holding the current weights (<c>model.*</c>),
/// the optimiser state (<c>optimizer.*</c>) and, in its metadata, <see cref="RunState"/> (next epoch and step,
/// generator states, history). It is written whole to a temporary file and renamed over the previous one, so a
/// process killed at any instant leaves either the previous checkpoint or the new one, never a mixture.
/// </summary>
internal static class Checkpoint
{
    public const string FileName = "checkpoint.safetensors";
    private const string FormatName = "seqpack-checkpoint";
    private const int Version = 1;
    private const string ModelPrefix = "model.", OptimizerPrefix = "optimizer.";

    /// <summary>The checkpoint file of <paramref name="runDir"/>.</summary>
    public static string PathOf(string runDir) => Path.Combine(runDir, FileName);

    public static void Save(string runDir, TaskModel model, Optimizer optimizer, RunState state, IReadOnlyList<Rng> generators, FileOps? files = null)
    {
        state.Generators = generators.Select(g => g.GetState()).ToList();
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, t) in model.Module.StateDict()) tensors[ModelPrefix + name] = t;
        foreach (var (name, t) in optimizer.StateDict()) tensors[OptimizerPrefix + name] = t;
        var metadata = new Dictionary<string, string>
        {
            ["format"] = FormatName,
            ["version"] = Version.ToString(CultureInfo.InvariantCulture),
            ["state"] = state.ToJson(),
        };
        AtomicFile.Write(PathOf(runDir), SafeTensors.Serialize(tensors, null, metadata), files);
    }

    /// <summary>
    /// Restores weights, optimiser state and generators from the checkpoint of <paramref name="runDir"/>; a missing,
    /// damaged or foreign checkpoint, or one holding a non-finite weight, is a one-line refusal.
    /// </summary>
    public static RunState Load(string runDir, TaskModel model, Optimizer optimizer, IReadOnlyList<Rng> generators)
    {
        var path = PathOf(runDir);
        if (!File.Exists(path))
            throw new CliException(File.Exists(Path.Combine(runDir, "checkpoint", "state.json"))
                ? $"'{runDir}' has a checkpoint in the layout of an earlier seqpack (checkpoint/), which cannot be resumed exactly; start a new run."
                : $"'{runDir}' has no checkpoint to resume (no {FileName}: training stopped before its first checkpoint); start a new run instead of --resume.");
        SafeTensorsContent content;
        try { content = SafeTensors.Read(path); }
        catch (InvalidDataException e) { throw new CliException($"{path} is damaged ({e.Message}); start a new run.", ExitCodes.Data); }
        if (content.Metadata.GetValueOrDefault("format") != FormatName || content.Metadata.GetValueOrDefault("version") != Version.ToString(CultureInfo.InvariantCulture)
            || !content.Metadata.TryGetValue("state", out var json))
            throw new CliException($"{path} is not a checkpoint of this seqpack version; start a new run.", ExitCodes.Data);
        var state = RunState.FromJson(json, path);
        if (state.Finished)
            throw new CliException($"the run in '{runDir}' already finished; evaluate it with 'seqpack evaluate --model {runDir} --data FILE' or start a new run.");
        if (state.Generators.Count != generators.Count)
            throw new CliException($"the checkpoint in '{runDir}' holds {state.Generators.Count} generator states, this model {generators.Count}; it was written by another version, retrain.", ExitCodes.Data);
        var weights = Part(content, ModelPrefix);
        var moments = Part(content, OptimizerPrefix);
        WeightFiles.CheckFinite(path, weights);
        WeightFiles.CheckFinite(path, moments);
        try
        {
            model.Module.LoadStateDict(weights);
            optimizer.LoadStateDict(moments);
        }
        catch (ArgumentException e)
        {
            throw new CliException($"{path} does not fit the run's config.json ({e.Message}); start a new run.", ExitCodes.Data);
        }
        for (int i = 0; i < generators.Count; i++) generators[i].SetState(state.Generators[i]);
        return state;
    }

    private static Dictionary<string, Tensor> Part(SafeTensorsContent content, string prefix) =>
        content.Tensors.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value, StringComparer.Ordinal);
}

using System.Globalization;
using SeqPack.IO;
using SeqPack.Optim;

namespace SeqPack.Training;

/// <summary>
/// The checkpoint of a run folder: one file, checkpoint.safetensors, holding the current weights (<c>model.*</c>),
/// the optimiser state (<c>optimizer.*</c>) and, in its metadata, the <see cref="RunState"/> (next epoch and step,
/// generator states, history). It is written whole to a temporary file and renamed over the previous one, so a
/// process killed at any instant leaves either the previous checkpoint or the new one, never a mixture of epochs.
/// </summary>
public static class Checkpoint
{
    /// <summary>The checkpoint's file name inside a run folder.</summary>
    public const string FileName = "checkpoint.safetensors";
    private const string FormatName = "seqpack-checkpoint";
    private const int Version = 1;
    private const string ModelPrefix = "model.", OptimizerPrefix = "optimizer.";

    /// <summary>The checkpoint file of <paramref name="runFolder"/>.</summary>
    public static string PathOf(string runFolder) => Path.Combine(runFolder, FileName);

    /// <summary>Saves weights, optimiser state, <paramref name="state"/> and the generators' states atomically.</summary>
    public static void Save(string runFolder, TaskModel model, Optimizer optimizer, RunState state, IReadOnlyList<Rng> generators) =>
        Save(runFolder, model, optimizer, state, generators, FileOps.Real);

    internal static void Save(string runFolder, TaskModel model, Optimizer optimizer, RunState state, IReadOnlyList<Rng> generators, FileOps files)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(generators);
        state.Generators = generators.Select(g => g.GetState()).ToList();
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, t) in model.Network.StateDict()) tensors[ModelPrefix + name] = t;
        foreach (var (name, t) in optimizer.StateDict()) tensors[OptimizerPrefix + name] = t;
        var metadata = new Dictionary<string, string>
        {
            ["format"] = FormatName,
            ["version"] = Version.ToString(CultureInfo.InvariantCulture),
            ["state"] = state.ToJson(),
        };
        AtomicFile.Write(PathOf(runFolder), SafeTensors.Serialize(tensors, null, metadata), files);
    }

    /// <summary>
    /// Restores weights, optimiser state and generators from the checkpoint of <paramref name="runFolder"/> and returns
    /// the run state. A missing checkpoint is a <see cref="FileNotFoundException"/>; a damaged or foreign one, or one
    /// holding NaN or an infinity, an <see cref="InvalidDataException"/>; a finished run an <see cref="InvalidOperationException"/>.
    /// </summary>
    public static RunState Load(string runFolder, TaskModel model, Optimizer optimizer, IReadOnlyList<Rng> generators)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(generators);
        var path = PathOf(runFolder);
        if (!File.Exists(path))
            throw new FileNotFoundException(File.Exists(Path.Combine(runFolder, "checkpoint", "state.json"))
                ? $"'{runFolder}' has a checkpoint in the layout of an earlier SeqPack (checkpoint/), which cannot be resumed exactly; start a new run."
                : $"'{runFolder}' has no checkpoint to resume (no {FileName}: training stopped before its first checkpoint); start a new run instead of resuming.", path);
        SafeTensorsContent content;
        try { content = SafeTensors.Read(path); }
        catch (InvalidDataException e) { throw new InvalidDataException($"{path} is damaged ({e.Message}); start a new run.", e); }
        if (content.Metadata.GetValueOrDefault("format") != FormatName || content.Metadata.GetValueOrDefault("version") != Version.ToString(CultureInfo.InvariantCulture)
            || !content.Metadata.TryGetValue("state", out var json))
            throw new InvalidDataException($"{path} is not a checkpoint of this SeqPack version; start a new run.");
        var state = RunState.FromJson(json, path);
        if (state.Finished)
            throw new InvalidOperationException($"the run in '{runFolder}' already finished; evaluate its model or start a new run.");
        if (state.Generators.Count != generators.Count)
            throw new InvalidDataException($"the checkpoint in '{runFolder}' holds {state.Generators.Count} generator states, this model {generators.Count}; it was written by another version, retrain.");
        var weights = Part(content, ModelPrefix);
        var moments = Part(content, OptimizerPrefix);
        Weights.CheckFinite(path, weights);
        Weights.CheckFinite(path, moments);
        try
        {
            model.Network.LoadStateDict(weights);
            optimizer.LoadStateDict(moments);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{path} does not fit the run's config.json ({e.Message}); start a new run.", e);
        }
        for (int i = 0; i < generators.Count; i++) generators[i].SetState(state.Generators[i]);
        return state;
    }

    private static Dictionary<string, Tensor> Part(SafeTensorsContent content, string prefix) =>
        content.Tensors.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value, StringComparer.Ordinal);
}

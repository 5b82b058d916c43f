using SeqPack.IO;
using SeqPack.Optim;

namespace SeqPack.Training;

/// <summary>
/// The checkpoint of a run folder (checkpoint/): the current weights, the optimiser state and <see cref="RunState"/>
/// (next epoch and step, generator states, history). Each file is written beside its final name and then moved
/// over it, so an interruption while saving leaves the previous checkpoint readable.
/// </summary>
public static class Checkpoint
{
    /// <summary>The checkpoint folder of <paramref name="runFolder"/>.</summary>
    public static string Folder(string runFolder) => Path.Combine(runFolder, "checkpoint");

    /// <summary>Saves the weights of <paramref name="model"/>, the state of <paramref name="optimizer"/> and <paramref name="state"/> with the states of <paramref name="generators"/>.</summary>
    public static void Save(string runFolder, TaskModel model, Optimizer optimizer, RunState state, IReadOnlyList<Rng> generators)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(generators);
        var dir = Folder(runFolder);
        Directory.CreateDirectory(dir);
        state.Generators = generators.Select(g => g.GetState()).ToList();
        Write(Path.Combine(dir, "model.safetensors"), p => SafeTensors.Save(p, model.Network.StateDict()));
        Write(Path.Combine(dir, "optimizer.safetensors"), p => SafeTensors.Save(p, optimizer.StateDict()));
        Write(Path.Combine(dir, "state.json"), state.Save);
    }

    /// <summary>
    /// Loads the checkpoint of <paramref name="runFolder"/> into <paramref name="model"/>, <paramref name="optimizer"/>
    /// and <paramref name="generators"/> and returns its state. A folder without a checkpoint is a
    /// <see cref="FileNotFoundException"/>; a finished run or a checkpoint of another shape is an
    /// <see cref="InvalidOperationException"/> or <see cref="InvalidDataException"/>.
    /// </summary>
    public static RunState Load(string runFolder, TaskModel model, Optimizer optimizer, IReadOnlyList<Rng> generators)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(generators);
        var dir = Folder(runFolder);
        var statePath = Path.Combine(dir, "state.json");
        if (!File.Exists(statePath))
            throw new FileNotFoundException($"'{runFolder}' has no checkpoint to resume (no checkpoint/state.json); start a new run instead of resuming.", statePath);
        var state = RunState.Load(statePath);
        if (state.Finished)
            throw new InvalidOperationException($"the run in '{runFolder}' already finished; evaluate its model or start a new run.");
        model.Network.LoadStateDict(Weights.Load(Path.Combine(dir, "model.safetensors")));
        optimizer.LoadStateDict(Weights.Load(Path.Combine(dir, "optimizer.safetensors")));
        if (state.Generators.Count != generators.Count)
            throw new InvalidDataException($"the checkpoint in '{runFolder}' holds {state.Generators.Count} generator states, this model {generators.Count}; it was written by another version, retrain.");
        for (int i = 0; i < generators.Count; i++) generators[i].SetState(state.Generators[i]);
        return state;
    }

    private static void Write(string path, Action<string> save)
    {
        var tmp = path + ".tmp";
        save(tmp);
        File.Move(tmp, path, overwrite: true);
    }
}

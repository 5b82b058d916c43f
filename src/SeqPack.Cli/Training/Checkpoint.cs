using SeqPack.Cli.Infrastructure;
using SeqPack.Optim;

namespace SeqPack.Cli.Training;

/// <summary>
/// The checkpoint of a run folder (checkpoint/): the current weights, the optimiser state and <see cref="RunState"/>
/// (next epoch and step, generator states, history). Each file is written beside its final name and then moved
/// over it, so an interruption while saving leaves the previous checkpoint readable.
/// </summary>
internal static class Checkpoint
{
    public static string Folder(string runDir) => Path.Combine(runDir, "checkpoint");

    public static void Save(string runDir, TaskModel model, Optimizer optimizer, RunState state, IReadOnlyList<Rng> generators)
    {
        var dir = Folder(runDir);
        Directory.CreateDirectory(dir);
        state.Generators = generators.Select(g => g.GetState()).ToList();
        Write(Path.Combine(dir, "model.safetensors"), p => WeightFiles.Save(p, model.Module.StateDict()));
        Write(Path.Combine(dir, "optimizer.safetensors"), p => WeightFiles.Save(p, optimizer.StateDict()));
        Write(Path.Combine(dir, "state.json"), state.Save);
    }

    public static RunState Load(string runDir, TaskModel model, Optimizer optimizer, IReadOnlyList<Rng> generators)
    {
        var dir = Folder(runDir);
        var statePath = Path.Combine(dir, "state.json");
        if (!File.Exists(statePath))
            throw new CliException($"'{runDir}' has no checkpoint to resume (no checkpoint/state.json); start a new run instead of --resume.");
        var state = RunState.Load(statePath);
        if (state.Finished)
            throw new CliException($"the run in '{runDir}' already finished; evaluate it with 'seqpack evaluate --model {runDir} --data FILE' or start a new run.");
        model.Module.LoadStateDict(WeightFiles.Load(Path.Combine(dir, "model.safetensors")));
        optimizer.LoadStateDict(WeightFiles.Load(Path.Combine(dir, "optimizer.safetensors")));
        if (state.Generators.Count != generators.Count)
            throw new CliException($"the checkpoint in '{runDir}' holds {state.Generators.Count} generator states, this model {generators.Count}; it was written by another version, retrain.");
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

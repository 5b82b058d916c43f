using System.Text.Json;

namespace SeqPack.Training;

/// <summary>The dev metrics of one epoch (one line of metrics.jsonl); <paramref name="Epoch"/> counts from 1.</summary>
/// <param name="Epoch">The epoch, counting from 1.</param>
/// <param name="TrainLoss">Mean training loss over the epoch's steps.</param>
/// <param name="DevLoss">Mean loss on dev (per example, or per token for tagging).</param>
/// <param name="DevAccuracy">Dev accuracy (token accuracy for tagging).</param>
/// <param name="DevMacroF1">Dev macro-F1 (see <see cref="ClassMetrics.MacroF1"/>).</param>
/// <param name="DevF1">Dev F1 per class label (classification only; empty for tagging).</param>
/// <param name="Seconds">Wall time of the epoch.</param>
/// <param name="TokensPerSecond">Training steps (tokens) per second of wall time.</param>
/// <param name="CpuSeconds">Processor time of the process during the epoch.</param>
public sealed record EpochMetrics(int Epoch, double TrainLoss, double DevLoss, double DevAccuracy, double DevMacroF1,
    Dictionary<string, double> DevF1, double Seconds, double TokensPerSecond, double CpuSeconds = 0);

/// <summary>
/// Where a run stands (the metadata of checkpoint.safetensors): the next epoch and step, the dropout generators' states,
/// the early-stopping book-keeping and the history, so that a resumed run continues exactly.
/// </summary>
public sealed class RunState
{
    /// <summary>The next epoch to run (0-based).</summary>
    public int Epoch { get; set; }

    /// <summary>The next batch of <see cref="Epoch"/> to run (0-based).</summary>
    public int Step { get; set; }

    /// <summary>The states of the run's random generators (<see cref="Rng.GetState"/>), in the trainer's order.</summary>
    public List<ulong[]> Generators { get; set; } = [];

    /// <summary>The best dev score so far (macro-F1 for classification, accuracy for tagging).</summary>
    public double BestScore { get; set; } = double.NegativeInfinity;

    /// <summary>The epoch (from 1) whose weights model.safetensors holds.</summary>
    public int BestEpoch { get; set; }

    /// <summary>Epochs since the dev score last improved.</summary>
    public int BadEpochs { get; set; }

    /// <summary>The plateau schedule's counters and rate after the last epoch (null: another schedule, or no epoch finished yet).</summary>
    public PlateauState? Plateau { get; set; }

    /// <summary>Whether the run ended (epochs done or early stop) and its test score was taken.</summary>
    public bool Finished { get; set; }

    /// <summary>Sum of the training losses of the current epoch's steps so far.</summary>
    public double TrainLossSum { get; set; }

    /// <summary>Number of steps summed in <see cref="TrainLossSum"/>.</summary>
    public long TrainLossCount { get; set; }

    /// <summary>Wall time of the run so far, over all processes that ran it.</summary>
    public double Seconds { get; set; }

    /// <summary>Processor time of the run so far.</summary>
    public double CpuSeconds { get; set; }

    /// <summary>The dev metrics of every finished epoch.</summary>
    public List<EpochMetrics> History { get; set; } = [];

    /// <summary>The state as JSON (stored in the checkpoint's metadata).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, RunConfig.Json);

    /// <summary>Reads a state stored by <see cref="ToJson"/> in the checkpoint <paramref name="path"/>; anything unreadable or incomplete is an <see cref="InvalidDataException"/>.</summary>
    public static RunState FromJson(string json, string path)
    {
        RunState? state;
        try { state = JsonSerializer.Deserialize<RunState>(json, RunConfig.Json); }
        catch (JsonException e) { throw new InvalidDataException($"{path} holds an unreadable run state ({e.Message}); start a new run."); }
        if (state is null || state.Generators is null || state.History is null || state.Epoch < 0 || state.Step < 0 || state.Generators.Any(g => g is null))
            throw new InvalidDataException($"{path} holds an incomplete run state; start a new run.");
        return state;
    }
}

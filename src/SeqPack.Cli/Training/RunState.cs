using System.Text.Json;

namespace SeqPack.Cli.Training;

/// <summary>The dev metrics of one epoch (one line of metrics.jsonl).</summary>
internal sealed record EpochMetrics(int Epoch, double TrainLoss, double DevLoss, double DevAccuracy, double DevMacroF1,
    Dictionary<string, double> DevF1, double Seconds, double TokensPerSecond, double CpuSeconds = 0);

/// <summary>
/// Where a run stands (checkpoint/state.json): the next epoch and step, the dropout generators' states,
/// the early-stopping book-keeping and the history, so that <c>--resume</c> continues exactly.
/// </summary>
internal sealed class RunState
{
    public int Epoch { get; set; }
    public int Step { get; set; }
    public List<ulong[]> Generators { get; set; } = [];
    public double BestScore { get; set; } = double.NegativeInfinity;
    public int BestEpoch { get; set; }
    public int BadEpochs { get; set; }
    public bool Finished { get; set; }
    public double TrainLossSum { get; set; }
    public long TrainLossCount { get; set; }
    public double Seconds { get; set; }
    public double CpuSeconds { get; set; }
    public List<EpochMetrics> History { get; set; } = [];

    public string ToJson() => JsonSerializer.Serialize(this, RunConfig.Json);

    /// <summary>Reads the state stored in the checkpoint <paramref name="path"/>; anything unreadable is a one-line refusal.</summary>
    public static RunState FromJson(string json, string path)
    {
        RunState? state;
        try { state = JsonSerializer.Deserialize<RunState>(json, RunConfig.Json); }
        catch (JsonException e) { throw new Infrastructure.CliException($"{path} holds an unreadable run state ({e.Message}); start a new run.", Infrastructure.ExitCodes.Data); }
        if (state is null || state.Generators is null || state.History is null || state.Epoch < 0 || state.Step < 0 || state.Generators.Any(g => g is null))
            throw new Infrastructure.CliException($"{path} holds an incomplete run state; start a new run.", Infrastructure.ExitCodes.Data);
        return state;
    }
}

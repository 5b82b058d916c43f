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

    public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, RunConfig.Json));

    public static RunState Load(string path) =>
        JsonSerializer.Deserialize<RunState>(File.ReadAllText(path), RunConfig.Json)
        ?? throw new Infrastructure.CliException($"{path} is empty; the checkpoint cannot be resumed, retrain instead.");
}

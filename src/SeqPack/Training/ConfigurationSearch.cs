using System.Globalization;
using System.Text;
using SeqPack.Data;
using SeqPack.IO;

namespace SeqPack.Training;

/// <summary>
/// Trains several configurations on the same splits and keeps the one with the best dev score (random search
/// over a small grid, Bergstra and Bengio 2012, "Random Search for Hyper-Parameter Optimization"): the first
/// candidate is the run's own configuration (the data-sized defaults or the given options), the others are
/// drawn without repetition from learning rate × {½, 1, 2}, width × {½, 1, 2} (embedding and hidden together),
/// dropout ∈ {0.1, 0.25, 0.4} and cell ∈ {lstm, gru}. Each trial gets an equal share of the time budget. The kept
/// trial's files become the run folder (a normal run: evaluate, predict, export work on it), beside
/// <see cref="TableFileName"/>; the other trials' folders are removed.
/// </summary>
/// <remarks>
/// The candidates depend only on the seed and the starting configuration, and every trial uses the same seed
/// (splits, initialisation, batch order), so a search is deterministic for a seed unless a trial's time share
/// cuts it short (wall time differs between runs).
/// </remarks>
public static class ConfigurationSearch
{
    /// <summary>The table of trials written into the run folder.</summary>
    public const string TableFileName = "search.tsv";

    private const string TrialsFolder = "trials";
    private static readonly double[] LrFactors = [0.5, 1, 2], WidthFactors = [0.5, 1, 2];
    private static readonly float[] Dropouts = [0.1f, 0.25f, 0.4f];
    private static readonly string[] Cells = ["lstm", "gru"];

    /// <summary>The most configurations a search can try: the grid's points (the start counts as one of them when it lies on the grid).</summary>
    public static int MaxCandidates => LrFactors.Length * WidthFactors.Length * Dropouts.Length * Cells.Length;

    /// <summary>
    /// The <paramref name="count"/> configurations a search starting from <paramref name="start"/> tries, in order:
    /// <paramref name="start"/> itself, then grid points drawn without repetition by a generator seeded with
    /// <paramref name="seed"/>. <paramref name="count"/> must lie in [1, <see cref="MaxCandidates"/>].
    /// </summary>
    public static IReadOnlyList<SearchCandidate> Candidates(SearchCandidate start, int count, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(start);
        if (count < 1 || count > MaxCandidates)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"a search tries from 1 to {MaxCandidates} configurations.");
        var grid = (from lr in LrFactors from w in WidthFactors from p in Dropouts from cell in Cells
                    select new SearchCandidate(cell, Scale(start.EmbeddingDim, w), Scale(start.HiddenSize, w), p, (float)(start.Lr * lr)))
                   .Where(c => c != start).ToArray();
        new Rng(seed ^ 0x5EA4C4F1D5EEDUL).Shuffle(grid.AsSpan());
        return [start, .. grid.Take(count - 1)];
    }

    /// <summary>
    /// Trains <paramref name="count"/> configurations (<see cref="Candidates"/>) on the splits that
    /// <paramref name="options"/> give for these datasets, each in its own folder under <paramref name="runFolder"/>
    /// with 1/<paramref name="count"/> of the time budget, then keeps the best on dev as <paramref name="runFolder"/>
    /// and writes <see cref="TableFileName"/> there. <paramref name="trialDone"/> hears of each trial as it ends.
    /// A cancellation ends the search after the trial it interrupts, keeping nothing: the result's outcome is then
    /// <see cref="TrainingOutcome.Interrupted"/> and <see cref="SearchResult.Chosen"/> is -1.
    /// </summary>
    public static SearchResult Run(TrainingOptions options, Dataset train, Dataset? dev, Dataset? test, string runFolder, int count,
        IProgress<SearchTrial>? trialDone = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentException.ThrowIfNullOrEmpty(runFolder);
        options.Validate();
        var model = RunData.Create(options, train, dev, test).Config.Model;
        var candidates = Candidates(new SearchCandidate(model.Cell, model.EmbeddingDim, model.HiddenSize, model.Dropout, options.Lr), count, options.Seed);
        var share = options.ResolvedTimeBudgetSeconds is double total ? TimeSpan.FromSeconds(total / count) : Timeout.InfiniteTimeSpan;

        var trials = new List<SearchTrial>();
        var results = new List<TrainingResult>();
        for (int i = 0; i < candidates.Count; i++)
        {
            var data = RunData.Create(candidates[i].Apply(options) with { TimeBudget = share }, train, dev, test);
            var result = Trainer.Create(data, TrialFolder(runFolder, i)).Run(cancellationToken);
            if (result.Outcome == TrainingOutcome.Interrupted) return new SearchResult(trials, -1, result);
            var s = result.State;
            var trial = new SearchTrial(i + 1, candidates[i], s.BestScore, s.BestEpoch, s.Epoch, s.Seconds, result.Outcome);
            trials.Add(trial);
            results.Add(result);
            trialDone?.Report(trial);
        }
        int chosen = 0;
        for (int i = 1; i < trials.Count; i++)
            if (trials[i].DevScore > trials[chosen].DevScore) chosen = i;
        Keep(runFolder, chosen);
        AtomicFile.WriteText(Path.Combine(runFolder, TableFileName), Table(trials, chosen));
        return new SearchResult(trials, chosen, results[chosen]);
    }

    /// <summary>The table of <paramref name="trials"/> as tab-separated lines with a header, the kept one marked.</summary>
    public static string Table(IReadOnlyList<SearchTrial> trials, int chosen)
    {
        ArgumentNullException.ThrowIfNull(trials);
        var sb = new StringBuilder("trial\tcell\tembedding\thidden\tdropout\tlr\tepochs\tbest_epoch\tdev_score\tseconds\toutcome\tkept\n");
        foreach (var t in trials)
        {
            var c = t.Candidate;
            sb.Append(CultureInfo.InvariantCulture,
                $"{t.Index}\t{c.Cell}\t{c.EmbeddingDim}\t{c.HiddenSize}\t{c.Dropout:0.##}\t{c.Lr:G3}\t{t.Epochs}\t{t.BestEpoch}\t{t.DevScore:0.0000}\t{t.Seconds:0.0}\t{t.Outcome}\t{(t.Index == chosen + 1 ? "yes" : "")}\n");
        }
        return sb.ToString();
    }

    private static string TrialFolder(string runFolder, int i) =>
        Path.Combine(runFolder, TrialsFolder, (i + 1).ToString("00", CultureInfo.InvariantCulture));

    /// <summary>Moves the chosen trial's files and folders (a sub-word run's tokenizer/) up into the run folder and removes the trials.</summary>
    private static void Keep(string runFolder, int chosen)
    {
        var from = TrialFolder(runFolder, chosen);
        foreach (var file in Directory.GetFiles(from))
            File.Move(file, Path.Combine(runFolder, Path.GetFileName(file)), overwrite: true);
        foreach (var folder in Directory.GetDirectories(from))
        {
            var to = Path.Combine(runFolder, Path.GetFileName(folder));
            if (Directory.Exists(to)) Directory.Delete(to, recursive: true);
            Directory.Move(folder, to);
        }
        Directory.Delete(Path.Combine(runFolder, TrialsFolder), recursive: true);
    }

    private static int Scale(int width, double factor) => Math.Max(4, (int)Math.Round(width * factor));
}

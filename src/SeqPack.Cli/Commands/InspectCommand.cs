using System.ComponentModel;
using System.Globalization;
using SeqPack.Cli.Infrastructure;
using SeqPack.Data;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SeqPack.Cli.Commands;

/// <summary><c>seqpack inspect</c>: length statistics and what padding would waste under random versus bucketed batches.</summary>
public sealed class InspectCommand(IAnsiConsole console) : Command<InspectCommand.Settings>
{
    public sealed class Settings : DataSettings
    {
        [CommandOption("--data <FILE>")]
        [Description("The data file to inspect. Default: the shipped SMS spam data.")]
        public string Data { get; init; } = TrainDefaults.SmsSpam;

        [CommandOption("--batch-size <N>")]
        [Description("Examples per batch. Default: 32.")]
        public int BatchSize { get; init; } = 32;

        [CommandOption("--tokenizer <KIND>")]
        [Description("How classification texts are cut into steps: chars, words, wordpiece:VOCAB.txt, bpe:VOCAB.json,MERGES.txt or sentencepiece:FILE.model. Default: chars.")]
        public string Tokenizer { get; init; } = "chars";

        [CommandOption("--plot <PNG>")]
        [Description("Where the length histogram goes. Default: runs/inspect/<file>-lengths.png.")]
        public string? Plot { get; init; }

        [CommandOption("--seed <N>")]
        [Description("Seed of the batch order. Default: 1.")]
        public ulong Seed { get; init; } = 1;

        public override ValidationResult Validate() => OptionRanges.First(
            OptionRanges.Integer("--threads", Threads, 1, 1024),
            OptionRanges.Integer("--batch-size", BatchSize, 1, TrainSettings.MaxCount),
            TrainDefaults.TokenizerSyntax(Tokenizer));
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        string dataPath = TrainDefaults.Locate(settings.Data);
        string plot = settings.Plot ?? Path.Combine("runs", "inspect", Path.GetFileNameWithoutExtension(dataPath) + "-lengths.png");
        OutputPaths.Png(plot, settings.Plot is null ? "the histogram" : "--plot", [dataPath]);
        var tokenizer = TrainDefaults.ParseTokenizer(settings.Tokenizer);
        var data = settings.Load(dataPath, "--data");
        int[] lengths = data.Task == TaskKind.Classify
            ? data.Texts.Select(t => tokenizer.Split(t.Text).Length).ToArray()
            : data.Sentences.Select(s => s.Tokens.Length).ToArray();
        string unit = data.Task == TaskKind.Classify ? (tokenizer.Kind switch { TokenizerKind.Chars => "characters", TokenizerKind.Words => "words", _ => $"{tokenizer.Name} pieces" }) : "tokens";

        var sorted = lengths.Order().ToArray();
        var stats = new Table().Title($"{Path.GetFileName(data.File)}: {data.Count} {(data.Task == TaskKind.Classify ? "texts" : "sentences")}, length in {unit}")
            .AddColumns("min", "median", "mean", "p90", "p99", "max", "total");
        stats.AddRow(sorted[0].ToString(CultureInfo.InvariantCulture), Quantile(sorted, 0.5), sorted.Average().ToString("0.0", CultureInfo.InvariantCulture),
            Quantile(sorted, 0.9), Quantile(sorted, 0.99), sorted[^1].ToString(CultureInfo.InvariantCulture),
            PaddingReport.Human(sorted.Sum(x => (long)x)));
        console.Write(stats);
        if (data.SkippedRows > 0) console.MarkupLine($"[yellow]{data.SkippedRows} malformed rows skipped[/]");

        var batcher = new LengthBatcher(settings.BatchSize);
        var random = PaddingReport.Of(lengths, batcher.Random(lengths, new Rng(settings.Seed)));
        var bucketed = PaddingReport.Of(lengths, batcher.Bucketed(lengths, new Rng(settings.Seed)));
        var padding = new Table().Title($"Padding with batches of {settings.BatchSize}")
            .AddColumns("batching", "real steps", "padded steps", "padding");
        padding.AddRow("random", PaddingReport.Human(random.RealSteps), PaddingReport.Human(random.PaddedSteps), Percent(random.WasteFraction));
        padding.AddRow($"bucketed (pools of {batcher.PoolBatches} batches)", PaddingReport.Human(bucketed.RealSteps),
            PaddingReport.Human(bucketed.PaddedSteps), Percent(bucketed.WasteFraction));
        console.Write(padding);
        console.WriteLine($"Random batches: {random}. Packed sequences compute only the {PaddingReport.Human(random.RealSteps)} real steps.");

        var folder = Path.GetDirectoryName(Path.GetFullPath(plot))!;
        Directory.CreateDirectory(folder);
        Plots.LengthHistogram(lengths, plot, $"{Path.GetFileName(data.File)}: lengths", unit);
        console.WriteLine($"Histogram: {plot}");
        return 0;
    }

    private static string Quantile(int[] sorted, double q) =>
        sorted[Math.Min(sorted.Length - 1, (int)Math.Floor(q * (sorted.Length - 1) + 0.5))].ToString(CultureInfo.InvariantCulture);

    private static string Percent(double f) => (f * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";
}

using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using SeqPack.Cli.Infrastructure;
using SeqPack.Training;
using SeqPack.Data;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SeqPack.Cli.Commands;

/// <summary><c>seqpack evaluate</c>: loss, accuracy, per-class precision/recall/F1 and the confusion matrix of a saved model on a data file.</summary>
public sealed class EvaluateCommand(IAnsiConsole console) : Command<EvaluateCommand.Settings>
{
    public sealed class Settings : DataSettings
    {
        [CommandOption("--model <DIR>")]
        [Description("Run folder written by train (its --out).")]
        public string? Model { get; init; }

        [CommandOption("--data <FILE>")]
        [Description("Labelled data in the model's task.")]
        public string? Data { get; init; }

        [CommandOption("--json")]
        [Description("Print the metrics as one JSON object.")]
        public bool Json { get; init; }

        public override ValidationResult Validate() =>
            Model is null ? ValidationResult.Error("--model is missing; pass --model DIR (a train run folder)")
            : Data is null ? ValidationResult.Error("--data is missing; pass --data FILE")
            : OptionRanges.First(OptionRanges.Integer("--threads", Threads, 1, 1024));
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        settings.ApplyThreads();
        var model = ModelFolder.Load(settings.Model!);
        var saved = model.LabelSet;
        var data = settings.Load(settings.Data, "--data", model.IsTagger ? TaskKind.Tag : TaskKind.Classify);
        double loss;
        ClassMetrics m;
        int count;
        try { (loss, m, count) = model.Evaluate(data); }
        catch (ArgumentException e) { throw new CliException(CliException.Strip(e)); }
        bool classify = data.Task == TaskKind.Classify;
        if (settings.Json)
        {
            var line = Trainer.MetricsLine(Path.GetFileName(data.File), m, loss, saved, classify, count);
            console.WriteRawLine(JsonSerializer.Serialize(line));
            return 0;
        }
        console.MarkupLine($"[bold]{Markup.Escape(Path.GetFileName(data.File))}[/]: {count} {(classify ? "examples" : "sentences")}" +
            (data.SkippedRows > 0 ? $", [yellow]{data.SkippedRows} malformed rows skipped[/]" : ""));
        console.WriteLine(TrainReport.Summary(m, saved, classify) + string.Create(CultureInfo.InvariantCulture, $", loss {loss:0.0000}"));
        var perClass = new Table().Title("Per class").AddColumns("class", "precision", "recall", "F1", "support");
        for (int c = 0; c < saved.Count; c++)
        {
            long support = 0;
            for (int k = 0; k < saved.Count; k++) support += m.Confusion[c, k];
            perClass.AddRow(Markup.Escape(saved[c]), F(m.Precision[c]), F(m.Recall[c]), F(m.F1[c]), support.ToString(CultureInfo.InvariantCulture));
        }
        console.Write(perClass);
        var confusion = new Table().Title("Confusion matrix (rows: gold, columns: predicted)").AddColumn("gold \\ predicted");
        foreach (var l in saved.Labels) confusion.AddColumn(new TableColumn(Markup.Escape(l)).RightAligned());
        for (int g = 0; g < saved.Count; g++)
        {
            var cells = new List<string> { Markup.Escape(saved[g]) };
            for (int p = 0; p < saved.Count; p++) cells.Add(m.Confusion[g, p].ToString(CultureInfo.InvariantCulture));
            confusion.AddRow(cells.ToArray());
        }
        console.Write(confusion);
        return 0;
    }

    private static string F(double x) => x.ToString("0.0000", CultureInfo.InvariantCulture);
}

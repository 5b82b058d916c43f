using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using SeqPack.Cli.Infrastructure;
using SeqPack.Models;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SeqPack.Cli.Commands;

/// <summary><c>seqpack predict</c>: the label and its probability for each text, or a tag per token for a tagger.</summary>
public sealed class PredictCommand(IAnsiConsole console, TextReader input) : Command<PredictCommand.Settings>
{
    public sealed class Settings : CommonSettings
    {
        [CommandOption("--model <DIR>")]
        [Description("Run folder written by train (its --out).")]
        public string? Model { get; init; }

        [CommandArgument(0, "[TEXT]")]
        [Description("Texts to label (for a tagger: space-separated tokens). Without any, lines are read from standard input.")]
        public string[] Texts { get; init; } = [];

        [CommandOption("--json")]
        [Description("One JSON object per input line.")]
        public bool Json { get; init; }

        public override ValidationResult Validate() =>
            Model is null ? ValidationResult.Error("--model is missing; pass --model DIR (a train run folder)")
            : OptionRanges.First(OptionRanges.Integer("--threads", Threads, 1, 1024));
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        settings.ApplyThreads();
        var saved = ModelFolder.Load(settings.Model!);
        var texts = settings.Texts.Length > 0 ? settings.Texts.ToList() : ReadLines(input);
        if (texts.Count == 0) throw new CliException("no input: pass texts as arguments or lines on standard input.");
        bool tagger = saved.IsTagger;
        var tokens = texts.Select(saved.Tokens).ToArray();
        if (tagger && tokens.Any(t => t.Length == 0)) throw new CliException("an input line has no tokens; give each sentence as space-separated tokens.");
        var predictions = saved.Run(texts);
        for (int i = 0; i < texts.Count; i++)
        {
            var p = predictions[i];
            if (tagger)
            {
                var tags = p.Tags!.Select(t => saved.Labels[t]).ToArray();
                console.WriteRawLine(settings.Json
                    ? JsonSerializer.Serialize(new { tokens = tokens[i], tags, probabilities = p.TagProbabilities!.Select(x => Math.Round(x, 4)) })
                    : string.Join(" ", tokens[i].Zip(tags, (w, t) => $"{w}/{t}")));
            }
            else
            {
                string label = saved.Labels[p.Label];
                console.WriteRawLine(settings.Json
                    ? JsonSerializer.Serialize(new
                    {
                        text = texts[i], label, probability = Math.Round(p.Probabilities[p.Label], 4),
                        probabilities = saved.Labels.Select((l, k) => (l, k)).ToDictionary(x => x.l, x => Math.Round(p.Probabilities[x.k], 4)),
                    })
                    : string.Create(CultureInfo.InvariantCulture, $"{label}\t{p.Probabilities[p.Label]:0.0000}\t{texts[i]}"));
            }
        }
        return 0;
    }

    /// <summary>The non-blank lines of <paramref name="reader"/>; a line longer than the data readers' limit is refused before it is held whole.</summary>
    internal static List<string> ReadLines(TextReader reader, int maxChars = DataSettings.CommandLineBytes)
    {
        var lines = new List<string>();
        var line = new System.Text.StringBuilder();
        int number = 1;
        for (int c = reader.Read(); ; c = reader.Read())
        {
            if (c == '\n' || c < 0)
            {
                if (line.Length > 0 && line[^1] == '\r') line.Length--;
                var text = line.ToString();
                if (!string.IsNullOrWhiteSpace(text)) lines.Add(text);
                line.Clear();
                number++;
                if (c < 0) return lines;
                continue;
            }
            if (line.Length >= maxChars)
                throw new CliException($"line {number} of standard input is longer than {maxChars} characters; give texts up to that length.", ExitCodes.Data);
            line.Append((char)c);
        }
    }
}

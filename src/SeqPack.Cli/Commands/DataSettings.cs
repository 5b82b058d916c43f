using System.ComponentModel;
using SeqPack.Cli.Infrastructure;
using SeqPack.Data;
using Spectre.Console.Cli;

namespace SeqPack.Cli.Commands;

/// <summary>Options that say how data files are read.</summary>
public class DataSettings : CommonSettings
{
    [CommandOption("--skip-bad-rows")]
    [Description("Skip malformed rows (and report how many) instead of stopping at the first.")]
    public bool SkipBadRows { get; init; }

    [CommandOption("--format <tsv|csv|jsonl>")]
    [Description("File format (default: from the extension; .tsv and anything else read as TSV).")]
    public string? Format { get; init; }

    [CommandOption("--text-column <NAME>")]
    [Description("CSV/JSONL column of the text. Default: text.")]
    public string TextColumn { get; init; } = "text";

    [CommandOption("--label-column <NAME>")]
    [Description("CSV/JSONL column of the label. Default: label.")]
    public string LabelColumn { get; init; } = "label";

    [CommandOption("--tokens-column <NAME>")]
    [Description("CSV/JSONL column of the tokens (tagging). Default: tokens.")]
    public string TokensColumn { get; init; } = "tokens";

    [CommandOption("--tags-column <NAME>")]
    [Description("CSV/JSONL column of the tags (tagging). Default: tags.")]
    public string TagsColumn { get; init; } = "tags";

    /// <summary>Reader options from these settings, with <paramref name="task"/> when the task is already known.</summary>
    internal DataReaderOptions ReaderOptions(TaskKind? task = null) => new()
    {
        SkipBadRows = SkipBadRows,
        Task = task,
        Format = Format?.ToLowerInvariant() switch
        {
            null => null,
            "tsv" => DataFileFormat.Tsv,
            "csv" => DataFileFormat.Csv,
            "jsonl" or "json" => DataFileFormat.Jsonl,
            _ => throw new CliException($"--format '{Format}' is not known; use tsv, csv or jsonl.", ExitCodes.Usage),
        },
        TextColumn = TextColumn,
        LabelColumn = LabelColumn,
        TokensColumn = TokensColumn,
        TagsColumn = TagsColumn,
        MaxLineBytes = MaxLineBytes,
    };

    /// <summary>
    /// The longest line the commands read whole: 64 KiB (see <see cref="DataReaderOptions.MaxLineBytes"/>). A
    /// sequence of a million steps costs gigabytes and minutes even to evaluate, so longer classification texts
    /// are cut with a warning; train raises the limit with --max-length.
    /// </summary>
    internal const int CommandLineBytes = 64 << 10;

    /// <summary>The longest line read whole by this command.</summary>
    internal virtual int MaxLineBytes => CommandLineBytes;

    /// <summary>Reads <paramref name="path"/> (given as option <paramref name="option"/>), turning a missing or empty file into a one-line error.</summary>
    internal Dataset Load(string? path, string option, TaskKind? task = null)
    {
        if (string.IsNullOrEmpty(path)) throw new CliException($"{option} is missing; pass {option} FILE.", ExitCodes.Usage);
        if (Directory.Exists(path)) throw new CliException($"{option} '{path}' is a folder; pass a data file (.tsv, .csv or .jsonl).", ExitCodes.Files);
        if (!File.Exists(path)) throw new CliException($"{option} '{path}' does not exist; check the path.", ExitCodes.Files);
        var data = DataReader.Read(path, ReaderOptions(task));
        if (data.Count == 0)
            throw new CliException($"{option} '{path}' holds no examples{(data.SkippedRows > 0 ? $" ({data.SkippedRows} malformed rows skipped)" : "")}; " +
                "give a file with label<TAB>text or tokens<TAB>tags rows.", ExitCodes.Data);
        return data;
    }
}

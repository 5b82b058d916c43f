using System.Globalization;
using System.Text.Json;
using SeqPack.Cli.Infrastructure;
using SeqPack.Cli.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SeqPack.Cli.Commands;

/// <summary><c>seqpack train</c>: trains a classifier or tagger and writes a run folder; <c>--resume</c> continues one.</summary>
public sealed class TrainCommand(IAnsiConsole console) : Command<TrainSettings>
{
    public override int Execute(CommandContext context, TrainSettings settings, CancellationToken cancellationToken)
    {
        settings.ApplyThreads();
        var trainer = new Trainer(console);
        if (settings.Resume is string dir)
        {
            var config = ReadConfig(dir);
            var resumed = RunData.ForResume(config, settings);
            return trainer.Run(resumed, dir, resume: true, settings.StopAfterSteps, cancellationToken);
        }
        var data = RunData.Create(settings);
        string runDir = settings.Out ?? Path.Combine("runs", DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
        if (Directory.Exists(runDir) && Directory.EnumerateFileSystemEntries(runDir).Any() && !settings.Force)
            throw new CliException($"--out '{runDir}' already holds files; pass another --out, --force to overwrite, or --resume {runDir} to continue it.");
        Directory.CreateDirectory(runDir);
        if (settings.Force)
            foreach (var stale in new[] { "model.safetensors", "metrics.jsonl" }.Select(f => Path.Combine(runDir, f)).Append(Checkpoint.Folder(runDir)))
            {
                if (File.Exists(stale)) File.Delete(stale);
                if (Directory.Exists(stale)) Directory.Delete(stale, recursive: true);
            }
        data.Config.Save(runDir);
        return trainer.Run(data, runDir, resume: false, settings.StopAfterSteps, cancellationToken);
    }

    /// <summary>config.json of a run that may not have finished an epoch yet (so no model.safetensors).</summary>
    private static RunConfig ReadConfig(string dir)
    {
        var path = Path.Combine(dir, RunConfig.FileName);
        if (!File.Exists(path)) throw new CliException($"--resume '{dir}' has no {RunConfig.FileName}; pass the folder of an interrupted train run.");
        RunConfig? config;
        try { config = JsonSerializer.Deserialize<RunConfig>(File.ReadAllText(path), RunConfig.Json); }
        catch (JsonException e) { throw new CliException($"{path} cannot be read ({e.Message}); start a new run."); }
        if (config is null || config.Format != RunConfig.FormatName || config.Version != RunConfig.CurrentVersion)
            throw new CliException($"{path} is not a run of this seqpack version; start a new run.");
        return config;
    }
}

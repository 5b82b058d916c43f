using System.Globalization;
using SeqPack.Cli.Infrastructure;
using SeqPack.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SeqPack.Cli.Commands;

/// <summary><c>seqpack train</c>: trains a classifier or tagger and writes a run folder; <c>--resume</c> continues one.</summary>
public sealed class TrainCommand(IAnsiConsole console) : Command<TrainSettings>
{
    public override int Execute(CommandContext context, TrainSettings settings, CancellationToken cancellationToken)
    {
        settings.ApplyThreads();
        var trainer = new TrainReport(console);
        if (settings.Resume is string dir)
        {
            var config = ReadConfig(dir);
            var resumed = TrainData.ForResume(config, settings);
            return trainer.Run(resumed, dir, resume: true, settings.StopAfterSteps, cancellationToken);
        }
        var data = TrainData.Create(settings);
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
        return trainer.Run(data, runDir, resume: false, settings.StopAfterSteps, cancellationToken);
    }

    /// <summary>config.json of a run that may not have finished an epoch yet (so no model.safetensors).</summary>
    private static RunConfig ReadConfig(string dir)
    {
        var path = Path.Combine(dir, RunConfig.FileName);
        if (!File.Exists(path)) throw new CliException($"--resume '{dir}' has no {RunConfig.FileName}; pass the folder of an interrupted train run.");
        try { return RunConfig.Load(dir); }
        catch (InvalidDataException e) { throw new CliException(e.Message); }
    }
}

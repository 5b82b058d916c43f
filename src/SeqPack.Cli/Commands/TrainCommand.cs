using System.Globalization;
using System.Text.Json;
using SeqPack.Cli.Infrastructure;
using SeqPack.Distributed;
using SeqPack.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SeqPack.Cli.Commands;

/// <summary>
/// <c>seqpack train</c>: trains a classifier or tagger and writes a run folder; <c>--resume</c> continues one.
/// Under MPICH's <c>mpiexec -n N</c> (PMI_RANK/PMI_SIZE set) the N processes train data-parallel; rank 0 alone
/// prints and writes; a rank that fails prints one line naming itself and aborts the whole job.
/// </summary>
public sealed class TrainCommand(IAnsiConsole console) : Command<TrainSettings>
{
    public override int Execute(CommandContext context, TrainSettings settings, CancellationToken cancellationToken)
    {
        settings.ApplyThreads();
        // The library reads no environment variables: the command detects the launch and hands it on.
        var launch = Launch.Detect(Environment.GetEnvironmentVariable);
        if (!launch.IsDistributed) return Train(new TrainReport(console), settings, isRoot: true, cancellationToken);
        if (settings.Search is not null)
            throw new CliException("--search trains in one process; run it without mpiexec.", ExitCodes.Usage);
        using var world = Communicator.Open(launch);
        // The ranks on one machine share its cores (Hydra says how many ranks run here).
        if (settings.Threads is null && int.TryParse(Environment.GetEnvironmentVariable("MPI_LOCALNRANKS"), out int local) && local > 0)
            Compute.Threads = Math.Max(1, Environment.ProcessorCount / local);
        var quiet = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(TextWriter.Null) });
        try
        {
            return Train(new TrainReport(world.IsRoot ? console : quiet, world), settings, world.IsRoot, cancellationToken);
        }
        catch (RanksDisagreeException e)
        {
            // Every rank found the disagreement at the same collective, so nobody waits: rank 0 reports it.
            if (world.IsRoot) throw new CliException(e.Message, ExitCodes.RanksDisagree);
            return ExitCodes.RanksDisagree;
        }
        catch (Exception e)
        {
            // The other ranks may wait in a collective for this one: say which rank failed, then end them all.
            var (message, code) = Program.Describe(e);
            Console.Error.WriteLine($"error: rank {world.Rank} of {world.Size}: {message} (stopping all ranks)");
            Console.Error.Flush();
            world.Abort(code);
            throw;
        }
    }

    private int Train(TrainReport trainer, TrainSettings settings, bool isRoot, CancellationToken cancellationToken)
    {
        if (settings.Resume is string dir)
        {
            var config = ReadConfig(dir);
            OutputPaths.FolderHoldsNoInput(dir, "--resume", RunFiles, [config.Data.Train, config.Data.Dev, config.Data.Test]);
            var resumed = TrainData.ForResume(config, settings, dir);
            return trainer.Run(resumed, dir, resume: true, settings.StopAfterSteps, cancellationToken);
        }
        string runDir = settings.Out ?? Path.Combine("runs", DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
        if (!isRoot) return trainer.Run(TrainData.Create(settings), runDir, resume: false, settings.StopAfterSteps, cancellationToken);
        CheckRunFolder(runDir, settings);
        var data = TrainData.Create(settings);
        Directory.CreateDirectory(runDir);
        if (settings.Force)
            foreach (var stale in new[] { "model.safetensors", "metrics.jsonl", Checkpoint.FileName, "checkpoint", RunConfig.TokenizerFolder, ConfigurationSearch.TableFileName, "trials" }.Select(f => Path.Combine(runDir, f)))
            {
                if (File.Exists(stale)) File.Delete(stale);
                if (Directory.Exists(stale)) Directory.Delete(stale, recursive: true);
            }
        if (settings.Search is int count) return new SearchReport(console).Run(settings, runDir, count, cancellationToken);
        return trainer.Run(data, runDir, resume: false, settings.StopAfterSteps, cancellationToken);
    }

    /// <summary>What a run writes in its folder (files, and the checkpoint folder).</summary>
    internal static readonly string[] RunFiles =
        [RunConfig.FileName, "model.safetensors", "metrics.jsonl", "loss.png", "accuracy.png", "lengths.png", Checkpoint.FileName, "checkpoint", RunConfig.TokenizerFolder, ConfigurationSearch.TableFileName];

    /// <summary>
    /// Refuses a run folder that is a file, one that already holds files (unless --force, and then only a run
    /// folder: --force replaces a run, never other files), and one where the run's files would replace its input.
    /// </summary>
    private static void CheckRunFolder(string runDir, TrainSettings settings)
    {
        if (File.Exists(runDir))
            throw new CliException($"--out '{runDir}' is a file; pass a folder for the run.", ExitCodes.Files);
        if (Directory.Exists(runDir) && Directory.EnumerateFileSystemEntries(runDir).Any())
        {
            if (!settings.Force)
                throw new CliException($"--out '{runDir}' already holds files; pass another --out, --force to overwrite, or --resume {runDir} to continue it.", ExitCodes.Files);
            if (!IsRunFolder(runDir))
                throw new CliException($"--out '{runDir}' holds files but is not a seqpack run folder (no run config.json); --force replaces only a run, so pass a new or empty folder.", ExitCodes.Files);
        }
        string? main = settings.Data ?? settings.Train ?? TrainDefaults.Locate(TrainDefaults.SmsSpam);
        OutputPaths.FolderHoldsNoInput(runDir, "--out", RunFiles, [main, settings.Dev, settings.Test]);
    }

    private static bool IsRunFolder(string dir)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, RunConfig.FileName)));
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("format", out var f) &&
                f.ValueKind == JsonValueKind.String && f.GetString() == RunConfig.FormatName;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return false;
        }
    }

    /// <summary>config.json of a run that may not have finished an epoch yet (so no model.safetensors).</summary>
    private static RunConfig ReadConfig(string dir)
    {
        var path = Path.Combine(dir, RunConfig.FileName);
        if (!Directory.Exists(dir)) throw new CliException($"--resume '{dir}' does not exist; pass the folder of an interrupted train run.", ExitCodes.Files);
        if (!File.Exists(path)) throw new CliException($"--resume '{dir}' has no {RunConfig.FileName}; pass the folder of an interrupted train run.", ExitCodes.Files);
        try { return RunConfig.Load(dir); }
        catch (InvalidDataException e) { throw new CliException(e.Message, ExitCodes.Data); }
    }
}

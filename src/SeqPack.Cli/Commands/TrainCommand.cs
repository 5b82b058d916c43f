using System.Globalization;
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
            if (world.IsRoot) throw new CliException(e.Message, RanksDisagreeExitCode);
            return RanksDisagreeExitCode;
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

    /// <summary>The exit code when the ranks of an MPI job were given different data or options.</summary>
    public const int RanksDisagreeExitCode = 5;

    private static int Train(TrainReport trainer, TrainSettings settings, bool isRoot, CancellationToken cancellationToken)
    {
        if (settings.Resume is string dir)
        {
            var config = ReadConfig(dir);
            var resumed = TrainData.ForResume(config, settings);
            return trainer.Run(resumed, dir, resume: true, settings.StopAfterSteps, cancellationToken);
        }
        var data = TrainData.Create(settings);
        string runDir = settings.Out ?? Path.Combine("runs", DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
        if (!isRoot) return trainer.Run(data, runDir, resume: false, settings.StopAfterSteps, cancellationToken);
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

using System.Diagnostics;
using System.Globalization;

namespace SeqPack.Tests.Distributed;

/// <summary>Runs .NET programs of the test output folder under <c>mpiexec.mpich</c> on loopback.</summary>
internal static class MpiRun
{
    /// <summary>The full path of mpiexec.mpich, or null when MPICH is not installed.</summary>
    public static string? Launcher { get; } = (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(dir => Path.Combine(dir, "mpiexec.mpich")).FirstOrDefault(File.Exists);

    /// <summary>The result of one launch: exit code, both streams, and how long it took.</summary>
    public sealed record Result(int ExitCode, string Output, string Error, TimeSpan Elapsed)
    {
        public string All => Output + Error;
    }

    /// <summary><c>mpiexec.mpich -n ranks dotnet program.dll args</c>; killed after <paramref name="timeout"/>.</summary>
    public static Result Run(int ranks, string program, IEnumerable<string> args, TimeSpan timeout, string? workingDirectory = null) =>
        Wait(Start(Enumerable.Repeat(args.ToArray(), ranks).ToArray(), program, workingDirectory), timeout);

    /// <summary>One rank per entry of <paramref name="argsPerRank"/> (MPMD: <c>-n 1 ... : -n 1 ...</c>), so ranks can be given different command lines.</summary>
    public static Result RunEach(IReadOnlyList<string[]> argsPerRank, string program, TimeSpan timeout, string? workingDirectory = null) =>
        Wait(Start(argsPerRank, program, workingDirectory), timeout);

    /// <summary>Starts the job with both streams read in the background.</summary>
    public static Job Start(IReadOnlyList<string[]> argsPerRank, string program, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(Launcher ?? throw new InvalidOperationException("mpiexec.mpich is not installed"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? AppContext.BaseDirectory,
        };
        // -launcher fork: loopback only, no ssh.
        info.ArgumentList.Add("-launcher");
        info.ArgumentList.Add("fork");
        for (int r = 0; r < argsPerRank.Count; r++)
        {
            if (r > 0) info.ArgumentList.Add(":");
            info.ArgumentList.Add("-n");
            info.ArgumentList.Add("1");
            info.ArgumentList.Add(DotnetHost());
            info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, program));
            foreach (var a in argsPerRank[r]) info.ArgumentList.Add(a);
        }
        var process = Process.Start(info)!;
        return new Job(process, process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync(), Stopwatch.StartNew());
    }

    /// <summary>A running job.</summary>
    public sealed record Job(Process Process, Task<string> Output, Task<string> Error, Stopwatch Clock);

    /// <summary>Waits for the job; kills it and throws after <paramref name="timeout"/> (a hang fails the test instead of CI).</summary>
    public static Result Wait(Job job, TimeSpan timeout)
    {
        using var process = job.Process;
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException($"mpiexec still ran after {timeout}: {job.Output.Result}{job.Error.Result}");
        }
        process.WaitForExit();
        return new Result(process.ExitCode, job.Output.Result, job.Error.Result, job.Clock.Elapsed);
    }

    /// <summary>The process ids of the ranks whose PMI_RANK is <paramref name="rank"/> and whose command line contains <paramref name="marker"/>.</summary>
    public static int[] RankProcesses(int rank, string marker) =>
        Directory.EnumerateDirectories("/proc").Select(d => Path.GetFileName(d))
            .Where(n => int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            .Where(pid =>
            {
                try
                {
                    var env = File.ReadAllText($"/proc/{pid}/environ").Split('\0');
                    var cmd = File.ReadAllText($"/proc/{pid}/cmdline");
                    return env.Contains($"PMI_RANK={rank}") && cmd.Contains(marker, StringComparison.Ordinal);
                }
                catch (IOException) { return false; }
                catch (UnauthorizedAccessException) { return false; }
            })
            .Select(pid => int.Parse(pid, CultureInfo.InvariantCulture)).ToArray();

    /// <summary>The dotnet host running this test (so that the ranks use the same runtime).</summary>
    private static string DotnetHost() => Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";
}

using System.Diagnostics;

namespace SeqPack.Tests.Distributed;

/// <summary>Runs a .NET program of the test output folder under <c>mpiexec.mpich -n N</c> on loopback.</summary>
internal static class MpiRun
{
    /// <summary>The full path of mpiexec.mpich, or null when MPICH is not installed.</summary>
    public static string? Launcher { get; } = (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(dir => Path.Combine(dir, "mpiexec.mpich")).FirstOrDefault(File.Exists);

    /// <summary>The result of one launch: exit code, both streams, and how long it took.</summary>
    public sealed record Result(int ExitCode, string Output, string Error, TimeSpan Elapsed);

    /// <summary>
    /// <c>mpiexec.mpich -n ranks dotnet program.dll args</c>, with <paramref name="environment"/> added; killed after
    /// <paramref name="timeout"/> (the test then fails rather than hanging CI).
    /// </summary>
    public static Result Run(int ranks, string program, IEnumerable<string> args, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(Launcher ?? throw new InvalidOperationException("mpiexec.mpich is not installed"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? AppContext.BaseDirectory,
        };
        // -launcher fork: loopback only, no ssh; -genvlist passes the knobs to every rank.
        foreach (var a in new[] { "-launcher", "fork", "-n", ranks.ToString(System.Globalization.CultureInfo.InvariantCulture) }) info.ArgumentList.Add(a);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) { info.ArgumentList.Add("-genv"); info.ArgumentList.Add(name); info.ArgumentList.Add(value); }
        info.ArgumentList.Add(DotnetHost());
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, program));
        foreach (var a in args) info.ArgumentList.Add(a);
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"mpiexec -n {ranks} {program} {string.Join(' ', args)} still ran after {timeout}: {error.Result}");
        }
        process.WaitForExit();
        return new Result(process.ExitCode, output.Result, error.Result, clock.Elapsed);
    }

    /// <summary>The dotnet host running this test (so that the ranks use the same runtime).</summary>
    private static string DotnetHost() => Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";
}

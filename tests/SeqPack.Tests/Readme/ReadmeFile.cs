using System.Diagnostics;

namespace SeqPack.Tests.Readme;

/// <summary>The repository's README.md and the sample programs it shows: code blocks, and running a sample.</summary>
internal static class ReadmeFile
{
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "SeqPack.sln")) && File.Exists(Path.Combine(dir.FullName, "README.md")))
                return dir.FullName;
        throw new InvalidOperationException($"No directory above {AppContext.BaseDirectory} holds SeqPack.sln and README.md.");
    }

    public static string Normalize(string text) => text.Replace("\r\n", "\n").TrimEnd('\n');

    /// <summary>The body of the first fenced block of <paramref name="language"/> after the first README line that <paramref name="anchor"/> accepts.</summary>
    public static string BlockAfter(Func<string, bool> anchor, string what, string language)
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryRoot(), "README.md"));
        int at = Array.FindIndex(lines, l => anchor(l));
        Assert.True(at >= 0, $"README.md has no {what}.");
        int start = Array.FindIndex(lines, at, l => l == "```" + language);
        Assert.True(start >= 0, $"README.md has no ```{language} block after {what}.");
        int end = Array.FindIndex(lines, start + 1, l => l == "```");
        Assert.True(end > start, $"README.md's ```{language} block after {what} is not closed.");
        return string.Join("\n", lines[(start + 1)..end]);
    }

    /// <summary>Runs the sample <paramref name="dll"/> (built next to the tests) with <paramref name="args"/> and returns what it prints.</summary>
    public static string Run(string dll, IEnumerable<string> args, string? workingDirectory = null, int timeoutMs = 120_000)
    {
        var path = Path.Combine(AppContext.BaseDirectory, dll);
        Assert.True(File.Exists(path), $"{path} was not built next to the tests.");
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (workingDirectory is not null) start.WorkingDirectory = workingDirectory;
        start.ArgumentList.Add(path);
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(timeoutMs), $"{dll} did not finish within {timeoutMs / 1000} s");
        Assert.True(process.ExitCode == 0, $"{dll} exited with {process.ExitCode}: {stderr.Result}");
        return Normalize(stdout.Result);
    }
}

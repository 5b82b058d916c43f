namespace SeqPack.Cli.Infrastructure;

/// <summary>
/// Checks made before a command writes a file, so that no output ever lands on an input or on a file the
/// command did not make: the paths are compared after resolving symbolic links.
/// </summary>
internal static class OutputPaths
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Refuses <paramref name="output"/> (given as <paramref name="option"/>) when it is one of <paramref name="inputs"/>.</summary>
    public static void NotAnInput(string output, string option, IEnumerable<string?> inputs)
    {
        string target = Canonical(output);
        foreach (var input in inputs)
            if (input is not null && Canonical(input) == target)
                throw new CliException($"{option} '{output}' is the input file '{input}'; writing it would destroy the data, so pass another {option} path.", ExitCodes.Files);
    }

    /// <summary>
    /// Refuses a PNG output that is an input or an existing file other than a PNG image (which it would replace);
    /// a folder is refused too.
    /// </summary>
    public static void Png(string output, string option, IEnumerable<string?> inputs)
    {
        NotAnInput(output, option, inputs);
        if (Directory.Exists(output))
            throw new CliException($"{option} '{output}' is a folder; pass the path of a .png file.", ExitCodes.Files);
        if (File.Exists(output) && !IsPng(output))
            throw new CliException($"{option} '{output}' exists and is not a PNG image; it would be overwritten, so pass another {option} path or remove the file.", ExitCodes.Files);
    }

    /// <summary>Refuses a folder whose files the command would write (<paramref name="written"/>, relative to it) when one of them is an input.</summary>
    public static void FolderHoldsNoInput(string folder, string option, IEnumerable<string> written, IEnumerable<string?> inputs)
    {
        var targets = written.Select(w => Canonical(Path.Combine(folder, w))).ToList();
        foreach (var input in inputs)
        {
            if (input is null) continue;
            var full = Canonical(input);
            if (targets.Any(t => full == t || full.StartsWith(t + Path.DirectorySeparatorChar, StringComparison.Ordinal)))
                throw new CliException($"{option} '{folder}' would overwrite the input file '{input}'; pass another {option} folder.", ExitCodes.Files);
        }
    }

    private static bool IsPng(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            Span<byte> head = stackalloc byte[8];
            return stream.ReadAtLeast(head, 8, throwOnEndOfStream: false) == 8 && head.SequenceEqual(PngSignature);
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    /// <summary>The absolute path of <paramref name="path"/> with every symbolic link along it resolved (as far as the path exists).</summary>
    internal static string Canonical(string path) => Canonical(Path.GetFullPath(path), 0);

    private static string Canonical(string full, int depth)
    {
        var parent = Path.GetDirectoryName(full);
        if (parent is null || depth > 40) return full;
        var resolved = Path.Combine(Canonical(parent, depth + 1), Path.GetFileName(full));
        FileSystemInfo info = Directory.Exists(resolved) ? new DirectoryInfo(resolved) : new FileInfo(resolved);
        try
        {
            if (info.Exists && info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } target)
                return Canonical(Path.GetFullPath(target.FullName), depth + 1);
        }
        catch (IOException) { }   // a link loop: compare the path as written
        return resolved;
    }
}

namespace SeqPack.IO;

/// <summary>
/// Writes a whole file so that the target holds either its old content or the new one, never a mixture or a
/// prefix, whenever the process stops: the bytes go to a temporary file beside the target, are flushed to the
/// disk, and the temporary file is renamed over the target in one step.
/// </summary>
internal static class AtomicFile
{
    /// <summary>Replaces <paramref name="path"/> with <paramref name="bytes"/> atomically, through <paramref name="ops"/>.</summary>
    public static void Write(string path, ReadOnlySpan<byte> bytes, FileOps? ops = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ops ??= FileOps.Real;
        string full = Path.GetFullPath(path);
        string temp = Path.Combine(Path.GetDirectoryName(full) ?? ".", $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            ops.WriteNew(temp, bytes);
            ops.Replace(temp, full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try { ops.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
    }

    /// <summary>Replaces <paramref name="path"/> with the UTF-8 text <paramref name="text"/> atomically.</summary>
    public static void WriteText(string path, string text, FileOps? ops = null) =>
        Write(path, System.Text.Encoding.UTF8.GetBytes(text), ops);
}

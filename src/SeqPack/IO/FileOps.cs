namespace SeqPack.IO;

/// <summary>
/// The file operations that durable writes are made of, one virtual method each, so that a test can stop a
/// write at any of them exactly as a crash (<c>kill -9</c>, power loss) would, and check what is left on disk.
/// </summary>
internal class FileOps
{
    /// <summary>The real file system.</summary>
    public static FileOps Real { get; } = new();

    /// <summary>Creates <paramref name="path"/> (which must not exist), writes <paramref name="bytes"/> and flushes them to the disk.</summary>
    public virtual void WriteNew(string path, ReadOnlySpan<byte> bytes)
    {
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        stream.Write(bytes);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Renames <paramref name="from"/> to <paramref name="to"/>, replacing it: one atomic step on one file system (rename(2)).</summary>
    public virtual void Replace(string from, string to) => File.Move(from, to, overwrite: true);

    /// <summary>Deletes <paramref name="path"/> if it exists.</summary>
    public virtual void Delete(string path) => File.Delete(path);
}

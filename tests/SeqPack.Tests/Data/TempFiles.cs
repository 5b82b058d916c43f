namespace SeqPack.Tests.Data;

/// <summary>A temporary folder deleted at dispose; tests write their small data files into it.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir() => Path = Directory.CreateTempSubdirectory("seqpack-test-").FullName;

    public string Path { get; }

    public string Write(string name, string content) => WriteBytes(name, System.Text.Encoding.UTF8.GetBytes(content));

    public string WriteBytes(string name, byte[] content)
    {
        var file = System.IO.Path.Combine(Path, name);
        File.WriteAllBytes(file, content);
        return file;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}

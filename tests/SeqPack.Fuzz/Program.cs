using SharpFuzz;

namespace SeqPack.Fuzz;

/// <summary>
/// Fuzz targets for SharpFuzz with AFL++: <c>dotnet SeqPack.Fuzz.dll TARGET</c> under afl-fuzz, or
/// <c>dotnet SeqPack.Fuzz.dll TARGET --replay DIR</c> to run every file of DIR through the target once (the
/// committed corpus in CI, or a crash that afl-fuzz found). A target throws only on a bug: the exceptions a
/// reader documents for bad input are caught inside it.
/// </summary>
public static class Program
{
    private static readonly Dictionary<string, Action<Stream>> Targets = new()
    {
        ["data"] = DataTarget.Run,
        ["safetensors"] = SafeTensorsTarget.Run,
        ["runfolder"] = RunFolderTarget.Run,
    };

    public static int Main(string[] args)
    {
        if (args.Length == 0 || !Targets.TryGetValue(args[0], out var target))
        {
            Console.Error.WriteLine($"usage: SeqPack.Fuzz {{{string.Join("|", Targets.Keys)}}} [--replay DIR]");
            return 2;
        }
        if (args.Length == 3 && args[1] == "--replay") return Replay(target, args[2]);
        Fuzzer.Run(target);
        return 0;
    }

    /// <summary>Runs each file of <paramref name="dir"/> (recursively) through <paramref name="target"/>; returns 1 when any throws.</summary>
    private static unsafe int Replay(Action<Stream> target, string dir)
    {
        // An instrumented SeqPack.dll records edges in AFL's shared map; outside afl-fuzz give it a private one.
        SharpFuzz.Common.Trace.SharedMem = (byte*)System.Runtime.InteropServices.NativeMemory.AllocZeroed(1 << 16);
        int files = 0, failures = 0;
        foreach (var file in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            files++;
            try
            {
                using var stream = File.OpenRead(file);
                target(stream);
            }
            catch (Exception e)
            {
                failures++;
                Console.Error.WriteLine($"{file}: {e.GetType().Name}: {e.Message}");
                Console.Error.WriteLine(e.StackTrace);
            }
        }
        Console.WriteLine($"{files} inputs replayed, {failures} failed");
        return failures == 0 ? 0 : 1;
    }
}

using SeqPack.Cli.Commands;
using SeqPack.Cli.Infrastructure;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SeqPack.Tests.Cli;

[Collection(nameof(SeqPack.Tests.Kernels.GemmDriverCollection))]   // sets Compute.Threads
public class BenchCommandTests
{
    // Stands in for a recurrent layer: remembers which steps were asked for.
    private sealed class FakeModel(BenchWorkload workload, List<string> log) : IBenchModel
    {
        public void Step(bool train, bool packed) =>
            log.Add($"{workload.Name}/{(train ? "train" : "infer")}/{(packed ? "packed" : "padded")}");
    }

    private sealed class NoArguments : IRemainingArguments
    {
        public ILookup<string, string?> Parsed { get; } = Array.Empty<string>().ToLookup(s => s, s => (string?)s);
        public IReadOnlyList<string> Raw { get; } = [];
    }

    private static (int Exit, string Stdout, string Stderr, List<string> Steps) Run(BenchSettings settings)
    {
        var stdout = new StringWriter();
        var stderrText = new StringWriter();
        var stderr = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stderrText), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors,
        });
        stderr.Profile.Width = 220;
        var steps = new List<string>();
        var command = new BenchCommand(stdout, stderr, w => new FakeModel(w, steps));
        int exit = command.Execute(new CommandContext([], new NoArguments(), "bench", null), settings, CancellationToken.None);
        return (exit, stdout.ToString(), stderrText.ToString(), steps);
    }

    [Fact]
    public void Execute_PrintsOnePeerFormatLinePerCase_InThePeersOrder()
    {
        var (exit, stdout, stderr, steps) = Run(new BenchSettings
        {
            Workloads = "gru-m,lstm-s", Modes = "train,infer", Layouts = "packed,padded", Iters = 2, Warmup = 1,
            Threads = 1, NoPeak = true,
        });

        Assert.Equal(0, exit);
        var records = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => BenchRecord.Parse(l)!).ToList();
        Assert.Equal(
            ["lstm-s/train/packed", "lstm-s/train/padded", "lstm-s/infer/packed", "lstm-s/infer/padded",
             "gru-m/train/packed", "gru-m/train/padded", "gru-m/infer/packed", "gru-m/infer/padded"],
            records.Select(r => $"{r.Workload}/{r.Mode}/{r.Layout}"));
        Assert.All(records, r => Assert.Equal((BenchRunner.Impl, 1), (r.Impl, r.Threads)));
        Assert.StartsWith("seqpack-", BenchRunner.Impl);
        Assert.Equal((4231L, 12000L), (records[0].Tokens, records[0].PaddedTokens));
        // warm-up + timed iterations for every case, in order
        Assert.Equal(records.SelectMany(r => Enumerable.Repeat($"{r.Workload}/{r.Mode}/{r.Layout}", 3)), steps);
        Assert.Contains("median ms", stderr);
        Assert.Contains("packed vs padded", stderr);
        Assert.DoesNotContain("PyTorch ms", stderr);
    }

    [Fact]
    public void Execute_WithCompare_ShowsPyTorchColumnsAndRatios()
    {
        string peer = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(peer,
            [
                "# libtorch 2.10.0.0, 2 threads",
                "{\"impl\":\"pytorch-2.10.0.0\",\"workload\":\"lstm-s\",\"mode\":\"infer\",\"layout\":\"padded\",\"threads\":2,\"tokens\":4231,\"padded_tokens\":12000,\"median_ms\":41.849,\"min_ms\":40.580,\"tokens_per_s\":101101}",
            ]);
            var (exit, _, stderr, _) = Run(new BenchSettings
            {
                Workloads = "lstm-s", Modes = "infer", Layouts = "padded", Iters = 1, Warmup = 0, NoPeak = true, Compare = peer,
            });
            Assert.Equal(0, exit);
            Assert.Contains("PyTorch ms", stderr);
            Assert.Contains("41.8", stderr);
            Assert.Contains("(padded)", stderr);
        }
        finally { File.Delete(peer); }
    }

    [Fact]
    public void Execute_WithMalformedCompareFile_FailsNamingTheLine()
    {
        string peer = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(peer, ["# header", "oops"]);
            var steps = new List<string>();
            var command = new BenchCommand(TextWriter.Null, AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(TextWriter.Null) }),
                w => new FakeModel(w, steps));
            var e = Assert.Throws<CliException>(() => command.Execute(
                new CommandContext([], new NoArguments(), "bench", null), new BenchSettings { Workloads = "lstm-s", NoPeak = true, Compare = peer },
                CancellationToken.None));
            Assert.Contains($"--compare {peer}: Line 2 ", e.Message);
            Assert.Empty(steps);                                          // fails before timing anything
        }
        finally { File.Delete(peer); }
    }

    [Fact]
    public void Execute_RestoresComputeThreads()
    {
        int before = Compute.Threads;
        Run(new BenchSettings { Workloads = "lstm-s", Modes = "infer", Layouts = "packed", Iters = 1, Warmup = 0, Threads = 3, NoPeak = true });
        Assert.Equal(before, Compute.Threads);
    }

    [Fact]
    public void Seqpack_Bench_RunsTheRealLayerAndPrintsJsonLines()
    {
        var (code, output) = CliRunner.Run("bench", "--workloads=lstm-s", "--modes", "infer", "--layouts", "packed",
            "--iters=1", "--warmup=0", "--threads=1", "--no-peak");
        Assert.True(code == 0, output);
        var records = output.Split('\n').Where(l => l.StartsWith('{')).Select(l => BenchRecord.Parse(l)!).ToList();
        Assert.Equal(["packed"], records.Select(r => r.Layout));
        Assert.All(records, r => Assert.True(r.MedianMs > 0 && r.Tokens == 4231, r.ToJsonLine()));
        Assert.Contains("median ms", output);
    }

    [Fact]
    public void Seqpack_Bench_UnknownWorkload_IsAOneLineError()
    {
        var (code, output) = CliRunner.Run("bench", "--workloads=lstm-xl");
        Assert.NotEqual(0, code);
        Assert.StartsWith("error: ", output);
        Assert.Contains("unknown workload 'lstm-xl'", output);
    }
}

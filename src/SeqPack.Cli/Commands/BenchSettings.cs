using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SeqPack.Cli.Commands;

/// <summary>
/// Options of <c>seqpack bench</c>: the same names, defaults and meaning as shared/peer/run.sh
/// (<c>--workloads --modes --layouts --iters --warmup --threads</c>), in both <c>--opt=value</c> and
/// <c>--opt value</c> forms, plus <c>--compare</c> and <c>--chart</c>. <c>--threads</c> (from
/// <see cref="CommonSettings"/>) defaults to 2 here, as in the peer, not to all cores.
/// </summary>
public sealed class BenchSettings : CommonSettings
{
    internal static readonly string[] AllModes = ["train", "infer"];
    internal static readonly string[] AllLayouts = ["padded", "packed"];

    [CommandOption("--workloads <LIST>")]
    [Description("Comma-separated workloads: lstm-s, lstm-m, gru-m, bilstm-2.")]
    [DefaultValue("lstm-s,lstm-m,gru-m,bilstm-2")]
    public string Workloads { get; init; } = "lstm-s,lstm-m,gru-m,bilstm-2";

    [CommandOption("--modes <LIST>")]
    [Description("Comma-separated modes: train (forward + backward), infer (forward, no gradient).")]
    [DefaultValue("train,infer")]
    public string Modes { get; init; } = "train,infer";

    [CommandOption("--layouts <LIST>")]
    [Description("Comma-separated layouts: padded (every padded step computed), packed (only real steps).")]
    [DefaultValue("padded,packed")]
    public string Layouts { get; init; } = "padded,packed";

    [CommandOption("--iters <N>")]
    [Description("Timed iterations per case (median and minimum are reported).")]
    [DefaultValue(5)]
    public int Iters { get; init; } = 5;

    [CommandOption("--warmup <N>")]
    [Description("Untimed iterations before the timed ones.")]
    [DefaultValue(3)]
    public int Warmup { get; init; } = 3;

    [CommandOption("--compare <FILE>")]
    [Description("JSON lines printed by shared/peer/run.sh: show PyTorch's times and the speed ratios beside SeqPack's.")]
    public string? Compare { get; init; }

    [CommandOption("--chart <FILE>")]
    [Description("Write a PNG chart of tokens/s by workload and layout (both implementations with --compare).")]
    public string? Chart { get; init; }

    [CommandOption("--phases")]
    [Description("After the cases, break each selected workload's train step down by phase (packing, input GEMM, time loops, weight GEMMs).")]
    public bool Phases { get; init; }

    [CommandOption("--no-peak")]
    [Description("Skip the FMA peak measurement (no fraction-of-peak column).")]
    public bool NoPeak { get; init; }

    /// <summary>Compute.Threads for the run and the threads of the FMA peak: --threads, else 2 as in the peer.</summary>
    internal int ThreadCount => Threads ?? 2;

    /// <summary>The selected workloads, in the peer's order.</summary>
    internal IReadOnlyList<BenchWorkload> SelectedWorkloads =>
        Split(Workloads).Select(n => BenchWorkload.Find(n)!).Where(w => w is not null)
            .Distinct().OrderBy(w => IndexOf(BenchWorkload.All, w)).ToArray();

    internal IReadOnlyList<string> SelectedModes => Split(Modes).Distinct().ToArray();
    internal IReadOnlyList<string> SelectedLayouts => Split(Layouts).Distinct().ToArray();

    public override ValidationResult Validate()
    {
        foreach (var name in Split(Workloads))
            if (BenchWorkload.Find(name) is null)
                return ValidationResult.Error(
                    $"--workloads: unknown workload '{name}'; use a comma-separated list of {string.Join(", ", BenchWorkload.All.Select(w => w.Name))}.");
        if (Split(Workloads).Length == 0)
            return ValidationResult.Error("--workloads: the list is empty; name at least one workload.");
        if (Check("--modes", Modes, AllModes) is { } m) return m;
        if (Check("--layouts", Layouts, AllLayouts) is { } l) return l;
        if (Iters < 1) return ValidationResult.Error($"--iters: got {Iters}; give 1 or more timed iterations.");
        if (Warmup < 0) return ValidationResult.Error($"--warmup: got {Warmup}; give 0 or more warm-up iterations.");
        if (ThreadCount < 1) return ValidationResult.Error($"--threads: got {ThreadCount}; give 1 or more threads.");
        if (Compare is not null && !File.Exists(Compare))
            return ValidationResult.Error($"--compare: file '{Compare}' does not exist; give the output of shared/peer/run.sh.");
        if (Chart is not null && !Chart.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
            return ValidationResult.Error($"--chart: '{Chart}' is not a .png path; the chart is written as PNG.");
        return ValidationResult.Success();
    }

    private static ValidationResult? Check(string option, string value, string[] allowed)
    {
        var items = Split(value);
        if (items.Length == 0)
            return ValidationResult.Error($"{option}: the list is empty; use a comma-separated list of {string.Join(", ", allowed)}.");
        foreach (var item in items)
            if (!allowed.Contains(item))
                return ValidationResult.Error($"{option}: unknown value '{item}'; use a comma-separated list of {string.Join(", ", allowed)}.");
        return null;
    }

    internal static string[] Split(string list) =>
        list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static int IndexOf(IReadOnlyList<BenchWorkload> all, BenchWorkload w)
    {
        for (int i = 0; i < all.Count; i++) if (ReferenceEquals(all[i], w)) return i;
        return -1;
    }
}

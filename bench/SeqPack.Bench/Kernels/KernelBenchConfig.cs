using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Parameters;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace SeqPack.Bench.Kernels;

/// <summary>
/// Short, median-based runs for the kernel benchmarks (the machine is shared, so: one launch, a few warm-ups,
/// 9 measured iterations, the median quoted), plus a GFLOP/s column and allocation counts. In-process: the
/// kernels need no isolation from the harness, and a per-run rebuild costs minutes on a loaded machine.
/// </summary>
public sealed class KernelBenchConfig : ManualConfig
{
    public KernelBenchConfig()
    {
        AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(9)
            .WithToolchain(InProcessEmitToolchain.Instance));
        AddColumn(StatisticColumn.Median, new GflopsColumn());
        AddDiagnoser(MemoryDiagnoser.Default);
    }
}

/// <summary>
/// GFLOP/s from the median time: the benchmark type's static <c>Flops(ParameterInstances)</c> gives the
/// floating-point operations of one invocation (2·M·N·K for a GEMM).
/// </summary>
public sealed class GflopsColumn : IColumn
{
    public string Id => "GFLOPS";
    public string ColumnName => "GFLOP/s";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "Floating-point operations of one invocation / median time (GFLOP/s)";
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public bool IsAvailable(Summary summary) => true;
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var stats = summary[benchmarkCase]?.ResultStatistics;
        var flops = benchmarkCase.Descriptor.Type.GetMethod("Flops", [typeof(ParameterInstances)]);
        if (stats == null || flops == null) return "-";
        double perInvocation = (double)flops.Invoke(null, [benchmarkCase.Parameters])!;
        return (perInvocation / stats.Median).ToString("F1");   // flops per ns = GFLOP/s
    }
}

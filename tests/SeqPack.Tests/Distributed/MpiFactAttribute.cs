namespace SeqPack.Tests.Distributed;

/// <summary>A fact that needs MPICH's launcher: reported as skipped when <c>mpiexec.mpich</c> is not on the PATH
/// (.ci/setup/20-mpich.sh installs it in CI).</summary>
public sealed class MpiFactAttribute : FactAttribute
{
    public MpiFactAttribute()
    {
        if (MpiRun.Launcher is null) Skip = "mpiexec.mpich is not installed (apt-get install mpich)";
    }
}

using SeqPack.Distributed;

namespace SeqPack.Tests.Distributed;

public class LaunchTests
{
    private static Func<string, string?> Variables(params (string Name, string Value)[] set) =>
        name => set.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void Detect_NoProcessManager_IsSingleProcess()
    {
        var launch = Launch.Detect(Variables());
        Assert.Equal(new Launch(0, 1), launch);
        Assert.False(launch.IsDistributed);
    }

    [Fact]
    public void Detect_MpichVariables_GiveRankAndSize()
    {
        var launch = Launch.Detect(Variables(("PMI_RANK", "3"), ("PMI_SIZE", "4")));
        Assert.Equal(new Launch(3, 4), launch);
        Assert.True(launch.IsDistributed);
    }

    [Fact]
    public void Detect_OpenMpi_ThrowsSayingUseMpich()
    {
        var e = Assert.Throws<NotSupportedException>(() => Launch.Detect(Variables(("OMPI_COMM_WORLD_RANK", "0"), ("OMPI_COMM_WORLD_SIZE", "2"))));
        Assert.Contains("mpiexec.mpich", e.Message);
    }

    [Theory]
    [InlineData("2", "2")]
    [InlineData("-1", "2")]
    [InlineData("0", "zero")]
    [InlineData(null, "2")]
    public void Detect_InvalidRankOrSize_ThrowsNamingTheVariable(string? rank, string size)
    {
        var e = Assert.Throws<ArgumentException>(() => Launch.Detect(name => name == "PMI_RANK" ? rank : name == "PMI_SIZE" ? size : null));
        Assert.Contains("PMI_", e.Message);
    }

    [Fact]
    public void Open_SingleProcess_CollectivesKeepValuesAndLoadNoMpi()
    {
        using var world = Communicator.Open(Launch.Single);
        float[] values = [1, 2, 3];
        world.AllReduceSum(values);
        world.Broadcast(values);
        Assert.Equal([1f, 2f, 3f], values);
        Assert.Equal((0, 1, true), (world.Rank, world.Size, world.IsRoot));
        Assert.Empty(world.RanksDiffering(42));
        // The MPI.NET assembly (and with it libmpich) stays unloaded without mpiexec.
        Assert.DoesNotContain(AppDomain.CurrentDomain.GetAssemblies(), a => a.GetName().Name == "MPI");
    }
}

namespace SeqPack.Distributed;

/// <summary>One process alone: every collective leaves its buffer as it is; no native code.</summary>
internal sealed class SingleProcessCommunicator : Communicator
{
    public override int Rank => 0;
    public override int Size => 1;
    public override void AllReduceSum(Span<float> values) { }
    public override void AllReduceSum(Span<double> values) { }
    public override void Broadcast(Span<float> values) { }
    public override void Broadcast(Span<long> values) { }
    public override void Abort(int exitCode) { }
}

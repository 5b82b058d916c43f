namespace SeqPack.Nn;

/// <summary>A module that maps one tensor to one tensor, so it can be a stage of <see cref="Sequential"/>.</summary>
public interface ITensorModule
{
    /// <summary>Applies the module to <paramref name="input"/>.</summary>
    Tensor Forward(Tensor input);
}

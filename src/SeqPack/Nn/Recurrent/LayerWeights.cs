namespace SeqPack.Nn.Recurrent;

/// <summary>The parameters of one layer and direction, PyTorch's shapes: W_ih (G·H, I), W_hh (G·H, Hout), biases (G·H), W_hr (P, H).</summary>
internal sealed record LayerWeights(Tensor WIh, Tensor WHh, Tensor? BIh, Tensor? BHh, Tensor? WHr = null)
{
    /// <summary>The tensors that take part in autograd, in a fixed order: W_ih, W_hh, then each present bias, then W_hr.</summary>
    public IEnumerable<Tensor> Present()
    {
        yield return WIh;
        yield return WHh;
        if (BIh is not null) yield return BIh;
        if (BHh is not null) yield return BHh;
        if (WHr is not null) yield return WHr;
    }
}

using SeqPack;
using SeqPack.Nn;

namespace SeqPack.Samples;

/// <summary>
/// An encoder–decoder with attention (Bahdanau et al. 2015, with Luong et al. 2015's dot-product scores over
/// projected keys): a packed bidirectional GRU reads the source characters; a GRU cell writes the target one
/// token at a time, attending over the encoder outputs with the padding of each source masked out, so a
/// short source in a batch of long ones attends to its own characters only.
/// </summary>
public sealed class DateTranslator : Module
{
    private readonly Embedding sourceEmbedding, targetEmbedding;
    private readonly Gru encoder;
    private readonly Linear bridge, keys, output;
    private readonly GruCell decoder;
    private readonly int hidden;

    /// <summary>Encoder outputs (N, S, 2H), their projected keys (N, S, H), source lengths and the decoder's first state (N, H).</summary>
    public sealed record Encoded(Tensor Outputs, Tensor Keys, int[] Lengths, Tensor H0)
    {
        /// <summary>True at padded source positions: (N, S).</summary>
        public Mask Padding => Packing.LengthMask(Lengths, Outputs.Shape[1], batchFirst: true).Not();

        /// <summary>Source <paramref name="index"/> repeated <paramref name="times"/> times (one row per beam).</summary>
        public Encoded Repeat(int index, int times)
        {
            Tensor Rows(Tensor t) => t.Select(0, index).Unsqueeze(0).Expand([times, .. t.Shape[1..]]);
            return new(Rows(Outputs), Rows(Keys), Enumerable.Repeat(Lengths[index], times).ToArray(), Rows(H0));
        }
    }

    /// <summary>Builds the model with <paramref name="hidden"/> units per direction and <paramref name="embedding"/>-sized character vectors.</summary>
    public DateTranslator(int hidden = 64, int embedding = 24)
    {
        this.hidden = hidden;
        sourceEmbedding = RegisterModule("source_embedding", new Embedding(DateTask.SourceAlphabet.Length + 1, embedding, paddingIdx: 0));
        encoder = RegisterModule("encoder", new Gru(embedding, hidden, bidirectional: true));
        bridge = RegisterModule("bridge", new Linear(2 * hidden, hidden));
        keys = RegisterModule("keys", new Linear(2 * hidden, hidden));
        targetEmbedding = RegisterModule("target_embedding", new Embedding(DateTask.TargetVocabulary, embedding));
        decoder = RegisterModule("decoder", new GruCell(embedding + 2 * hidden, hidden));
        output = RegisterModule("output", new Linear(3 * hidden, DateTask.TargetVocabulary));
    }

    /// <summary>Runs the packed encoder over source id sequences of any lengths.</summary>
    public Encoded Encode(IReadOnlyList<int[]> sources)
    {
        var packed = sourceEmbedding.ForwardPacked(sources, enforceSorted: false);
        var (outputs, h) = encoder.Forward(packed);                                       // h: (2, N, H)
        var (padded, lengths) = Packing.PadPackedSequence(outputs, batchFirst: true);     // (N, S, 2H)
        var h0 = bridge.Forward(Tensor.Cat([h.Select(0, 0), h.Select(0, 1)], 1)).Tanh();  // (N, H)
        return new Encoded(padded, keys.Forward(padded), lengths, h0);
    }

    /// <summary>
    /// One decoder step from the previous tokens and state: attention weights from the state, the context,
    /// the new state, and the logits (N, vocabulary) of the next token.
    /// </summary>
    public (Tensor Logits, Tensor H, Tensor Weights) Step(Encoded encoded, IReadOnlyList<int> previous, Tensor h)
    {
        int n = previous.Count, s = encoded.Outputs.Shape[1];
        var scores = Tensor.MatMul(encoded.Keys, h.Unsqueeze(2)).Reshape(n, s);             // (N, S)
        var weights = scores.MaskedFill(encoded.Padding, float.NegativeInfinity).Softmax(-1);
        var context = Tensor.MatMul(weights.Unsqueeze(1), encoded.Outputs).Reshape(n, 2 * hidden);   // (N, 2H)
        var next = decoder.Forward(Tensor.Cat([targetEmbedding.Forward(previous), context], 1), h);
        return (output.Forward(Tensor.Cat([next, context], 1)), next, weights);
    }

    /// <summary>Teacher-forced cross-entropy averaged over the target steps.</summary>
    public Tensor Loss(IReadOnlyList<int[]> sources, IReadOnlyList<int[]> targets)
    {
        var encoded = Encode(sources);
        var h = encoded.H0;
        Tensor? total = null;
        var previous = Enumerable.Repeat(DateTask.Bos, sources.Count).ToArray();
        for (int t = 0; t < DateTask.TargetLength; t++)
        {
            var (logits, next, _) = Step(encoded, previous, h);
            h = next;
            var gold = targets.Select(y => y[t]).ToArray();
            var loss = Losses.CrossEntropy(logits, gold);
            total = total is null ? loss : total + loss;
            previous = gold;
        }
        return total! * (1f / DateTask.TargetLength);
    }

    /// <summary>Greedy decoding of a batch: the most likely token at each step, up to the target length.</summary>
    public int[][] Greedy(IReadOnlyList<int[]> sources)
    {
        using var _ = Autograd.NoGrad();
        var encoded = Encode(sources);
        var h = encoded.H0;
        var previous = Enumerable.Repeat(DateTask.Bos, sources.Count).ToArray();
        var result = sources.Select(_ => new List<int>()).ToArray();
        for (int t = 0; t < DateTask.TargetLength; t++)
        {
            var (logits, next, _) = Step(encoded, previous, h);
            h = next;
            var l = logits.ToArray();
            for (int i = 0; i < previous.Length; i++)
            {
                var row = l.AsSpan(i * DateTask.TargetVocabulary, DateTask.TargetVocabulary);
                previous[i] = row.IndexOf(System.Numerics.Tensors.TensorPrimitives.Max(row));
                result[i].Add(previous[i]);
            }
        }
        return result.Select(r => r.ToArray()).ToArray();
    }

    /// <summary>
    /// Beam search for one source: keeps the <paramref name="width"/> most likely prefixes (sum of token
    /// log-probabilities) and returns the best hypothesis that ended with the end token (or the best prefix
    /// when none ended within the target length + 2 steps).
    /// </summary>
    public int[] Beam(int[] source, int width = 4)
    {
        if (width < 1) throw new ArgumentOutOfRangeException(nameof(width), width, "Beam width must be at least 1.");
        using var _ = Autograd.NoGrad();
        var root = Encode([source]);
        var beams = new List<(List<int> Tokens, double Score)> { ([], 0.0) };
        var h = root.H0;
        (List<int> Tokens, double Score)? best = null;
        for (int t = 0; t < DateTask.TargetLength + 2 && beams.Count > 0; t++)
        {
            var encoded = root.Repeat(0, beams.Count);
            var previous = beams.Select(b => b.Tokens.Count == 0 ? DateTask.Bos : b.Tokens[^1]).ToArray();
            var (logits, next, _) = Step(encoded, previous, h);
            var lp = logits.LogSoftmax(-1).ToArray();
            var candidates = new List<(int Beam, int Token, double Score)>();
            for (int b = 0; b < beams.Count; b++)
                for (int c = 0; c < DateTask.TargetVocabulary; c++)
                    candidates.Add((b, c, beams[b].Score + lp[b * DateTask.TargetVocabulary + c]));
            var kept = new List<(int Beam, List<int> Tokens, double Score)>();
            foreach (var (b, c, score) in candidates.OrderByDescending(x => x.Score).Take(width))
            {
                var tokens = new List<int>(beams[b].Tokens) { c };
                if (c == DateTask.Eos) { if (best is null || score > best.Value.Score) best = (tokens, score); }
                else kept.Add((b, tokens, score));
            }
            // scores only fall as tokens are added, so no live prefix can beat a finished better hypothesis
            kept.RemoveAll(k => best is not null && k.Score <= best.Value.Score);
            if (kept.Count == 0) break;
            h = next.IndexSelect(0, kept.Select(k => k.Beam).ToArray());
            beams = kept.Select(k => (k.Tokens, k.Score)).ToList();
        }
        return (best ?? (beams[0].Tokens, beams[0].Score)).Tokens.ToArray();
    }
}

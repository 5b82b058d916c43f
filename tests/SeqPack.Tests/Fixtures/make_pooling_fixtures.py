#!/usr/bin/python3
"""Regenerates pooling_fixtures.json: SeqPack's SequenceClassifier with each ClassifierPooling, in PyTorch.

Run from the repository root with the interpreter that has PyTorch (1.13 on the build machine):
    /usr/bin/python3 tests/SeqPack.Tests/Fixtures/make_pooling_fixtures.py

The module keeps SeqPack's attribute names (embedding, rnn, dropout, output). The last layer's packed outputs
are unpacked with pad_packed_sequence and reduced per sequence over its first `length` steps only: max over
time, mean over time, or the final states (h_n) as before. Each case records the weights, a batch of id
sequences of unsorted lengths, targets, the evaluation-mode logits (dropout off) and the gradient of the mean
cross-entropy with respect to every parameter.
"""
import json
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_sequence, pad_packed_sequence

torch.manual_seed(2025)

READS = {"final": 1, "max": 1, "final-max": 2, "mean-max": 2}


class Model(nn.Module):
    def __init__(self, vocab, classes, emb, hidden, layers, bidirectional, cell, pooling):
        super().__init__()
        self.pooling = pooling
        self.embedding = nn.Embedding(vocab, emb, padding_idx=0)
        rnn = nn.LSTM if cell == "lstm" else nn.GRU
        self.rnn = rnn(emb, hidden, layers, bidirectional=bidirectional)
        self.dropout = nn.Dropout(0.5)
        self.output = nn.Linear(READS[pooling] * hidden * (2 if bidirectional else 1), classes)

    def forward(self, seqs):
        packed = pack_sequence([self.dropout(self.embedding(torch.tensor(s))) for s in seqs], enforce_sorted=False)
        out, state = self.rnn(packed)
        h = state[0] if isinstance(state, tuple) else state                                    # (L*D, B, H)
        padded, lengths = pad_packed_sequence(out, batch_first=True)                            # (B, T, D*H), input order
        steps = torch.arange(padded.shape[1]).view(1, -1, 1) < lengths.view(-1, 1, 1)          # (B, T, 1)
        final = torch.cat([h[-2], h[-1]], 1) if self.rnn.bidirectional else h[-1]
        maximum = padded.masked_fill(~steps, float("-inf")).max(1).values
        mean = padded.sum(1) / lengths.view(-1, 1).to(padded.dtype)                             # zeros past each end
        features = {"final": final, "max": maximum, "final-max": torch.cat([final, maximum], 1),
                    "mean-max": torch.cat([mean, maximum], 1)}[self.pooling]
        return self.output(self.dropout(features))


def case(name, pooling, cell, bidirectional, layers, lengths):
    vocab, classes, emb, hidden = 9, 3, 5, 4
    m = Model(vocab, classes, emb, hidden, layers, bidirectional, cell, pooling).double()
    m.eval()
    seqs = [[int(torch.randint(1, vocab, ())) for _ in range(n)] for n in lengths]
    targets = [int(torch.randint(0, classes, ())) for _ in lengths]
    logits = m(seqs)
    F.cross_entropy(logits, torch.tensor(targets)).backward()
    t = lambda x: {"shape": list(x.shape), "data": [float(v) for v in x.detach().float().reshape(-1)]}
    return {"name": name, "pooling": pooling, "cell": cell, "bidirectional": bidirectional, "layers": layers,
            "vocab": vocab, "classes": classes, "embeddingDim": emb, "hiddenSize": hidden,
            "sequences": seqs, "targets": targets, "state": {k: t(v) for k, v in m.state_dict().items()},
            "logits": t(logits), "grads": {k: t(p.grad) for k, p in m.named_parameters()}}


cases = [
    case("max_bilstm", "max", "lstm", True, 1, [3, 6, 1, 4]),
    case("final_max_bilstm", "final-max", "lstm", True, 1, [5, 2, 7, 2]),
    case("mean_max_bilstm", "mean-max", "lstm", True, 1, [1, 4, 6, 3]),
    case("mean_max_gru_2layers", "mean-max", "gru", False, 2, [2, 6, 6, 1]),
    case("final_max_gru_bi", "final-max", "gru", True, 1, [4, 3, 1]),
]
path = "tests/SeqPack.Tests/Fixtures/pooling_fixtures.json"
with open(path, "w") as f:
    json.dump({"cases": cases}, f)
print("wrote", path)

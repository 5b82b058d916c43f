#!/usr/bin/python3
"""Regenerates model_fixtures.json: SeqPack's SequenceClassifier and SequenceTagger written in PyTorch.

Run from the repository root with the interpreter that has PyTorch (1.13 on the build machine):
    /usr/bin/python3 tests/SeqPack.Tests/Fixtures/make_model_fixtures.py

The PyTorch modules below use the same attribute names as SeqPack's models (embedding, rnn, dropout, output),
so their state_dict keys are the keys SeqPack must produce and load. Each case records the weights, a batch of
id sequences of unsorted lengths (idsPerStep ids per step, embeddings summed), and the logits in evaluation
mode (dropout off): per sequence for the classifier, in packed row order for the tagger.
"""
import json
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_sequence

torch.manual_seed(2024)


class Model(nn.Module):
    def __init__(self, vocab, classes, emb, hidden, layers, bidirectional, cell, ids_per_step, tagger):
        super().__init__()
        self.k, self.tagger = ids_per_step, tagger
        self.embedding = nn.Embedding(vocab, emb, padding_idx=0)
        rnn = nn.LSTM if cell == "lstm" else nn.GRU
        self.rnn = rnn(emb, hidden, layers, bidirectional=bidirectional)
        self.dropout = nn.Dropout(0.5)
        self.output = nn.Linear(hidden * (2 if bidirectional else 1), classes)

    def forward(self, seqs):
        embedded = [self.embedding(torch.tensor(s).view(-1, self.k)).sum(1) for s in seqs]   # (len, E) each
        packed = pack_sequence([self.dropout(e) for e in embedded], enforce_sorted=False)
        out, state = self.rnn(packed)
        h = state[0] if isinstance(state, tuple) else state                                    # (L*D, B, H)
        if self.tagger:
            return self.output(self.dropout(out.data))                                          # packed row order
        last = torch.cat([h[-2], h[-1]], 1) if self.rnn.bidirectional else h[-1]
        return self.output(self.dropout(last))


def case(name, tagger, cell, bidirectional, layers, k, lengths):
    vocab, classes, emb, hidden = 9, 3, 5, 4
    m = Model(vocab, classes, emb, hidden, layers, bidirectional, cell, k, tagger).double()
    m.eval()
    seqs = [[int(torch.randint(0, vocab, ())) for _ in range(n * k)] for n in lengths]
    with torch.no_grad():
        logits = m(seqs)
    t = lambda x: {"shape": list(x.shape), "data": [float(v) for v in x.float().reshape(-1)]}
    return {"name": name, "tagger": tagger, "cell": cell, "bidirectional": bidirectional, "layers": layers,
            "idsPerStep": k, "vocab": vocab, "classes": classes, "embeddingDim": emb, "hiddenSize": hidden,
            "sequences": seqs, "state": {key: t(v) for key, v in m.state_dict().items()}, "logits": t(logits)}


cases = [
    case("classifier_bilstm", False, "lstm", True, 1, 1, [3, 5, 1, 4]),
    case("classifier_gru_2layers", False, "gru", False, 2, 1, [2, 6, 6, 1]),
    case("tagger_bilstm_features", True, "lstm", True, 1, 3, [4, 2, 5]),
]
path = "tests/SeqPack.Tests/Fixtures/model_fixtures.json"
with open(path, "w") as f:
    json.dump({"cases": cases}, f)
print("wrote", path)

#!/usr/bin/python3
"""Regenerates rnn_fixtures.json and rnn_fixtures_wide.json: PyTorch's RNN/LSTM/GRU on packed and padded input, forward and backward.

Run from the repository root with the interpreter that has PyTorch (1.13 on the build machine):
    /usr/bin/python3 tests/SeqPack.Tests/Fixtures/make_rnn_fixtures.py

Each case fixes a configuration (cell kind, layers, bidirectional, bias, batch_first, packed or padded
input, sorted or unsorted lengths, with or without initial states, projSize) chosen so that every pair of
factor values appears in at least one case (greedy pairwise covering), plus a few hand-picked cases.
Parameters and inputs are float32 values; PyTorch computes in float64 so the expected numbers carry no
float32 rounding of their own. The loss whose gradients are recorded is
    sum(output * w_out) + sum(h_n * w_h) [+ sum(c_n * w_c)]
with fixed random weights, so that every output element influences every gradient differently.
"""
import itertools, json, os, random
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence

torch.manual_seed(1234)
random.seed(1234)
I, H, P, B, T = 3, 4, 2, 4, 5
SORTED = [5, 3, 3, 1]
UNSORTED = [3, 5, 1, 3]

FACTORS = {
    "kind": ["lstm", "gru", "rnn_tanh", "rnn_relu"],
    "layers": [1, 2, 3],
    "bidirectional": [False, True],
    "bias": [False, True],
    "batch_first": [False, True],
    "layout": ["packed", "padded"],
    "sorted": [True, False],
    "init": [False, True],
    "proj": [0, P],
}


def valid(c):
    return c["proj"] == 0 or c["kind"] == "lstm"


def pairwise_cases():
    names = list(FACTORS)
    uncovered = set()
    for a, b in itertools.combinations(names, 2):
        for va in FACTORS[a]:
            for vb in FACTORS[b]:
                if (a == "proj" and va and vb != "lstm" and b == "kind") or (b == "proj" and vb and a == "kind" and va != "lstm"):
                    continue
                uncovered.add((a, va, b, vb))
    cases = []
    rnd = random.Random(7)
    while uncovered:
        best, best_cover = None, -1
        for _ in range(400):
            c = {k: rnd.choice(v) for k, v in FACTORS.items()}
            if not valid(c):
                continue
            cover = sum(1 for a, b in itertools.combinations(names, 2) if (a, c[a], b, c[b]) in uncovered)
            if cover > best_cover:
                best, best_cover = c, cover
        for a, b in itertools.combinations(names, 2):
            uncovered.discard((a, best[a], b, best[b]))
        cases.append(best)
    return cases


def f32(t):
    return t.float().double()


def flat(t):
    return [float(f"{x:.9g}") for x in t.detach().reshape(-1).tolist()]


def make_case(c, name):
    global I, H, P, B, T
    I, H, P, B, T = c.get("sizes", (3, 4, 2, 4, 5))
    kind, L, D = c["kind"], c["layers"], 2 if c["bidirectional"] else 1
    kwargs = dict(num_layers=L, bias=c["bias"], batch_first=c["batch_first"], bidirectional=c["bidirectional"])
    if kind == "lstm":
        m = nn.LSTM(I, H, proj_size=c["proj"], **kwargs)
    elif kind == "gru":
        m = nn.GRU(I, H, **kwargs)
    else:
        m = nn.RNN(I, H, nonlinearity=kind[4:], **kwargs)
    m = m.double()
    with torch.no_grad():
        for p in m.parameters():
            p.copy_(f32(p))
    hout = c["proj"] if c["proj"] else H
    packed = c["layout"] == "packed"
    unbatched = c["layout"] == "unbatched"
    lengths = c.get("lengths") or ((SORTED if c["sorted"] else UNSORTED) if packed else [T] * B)
    if unbatched:
        x = f32(torch.randn(T, I)).requires_grad_()
    else:
        x = f32(torch.randn(B, T, I) if c["batch_first"] else torch.randn(T, B, I)).requires_grad_()
    batch_dims = () if unbatched else (B,)
    h0 = f32(torch.randn(L * D, *batch_dims, hout)).requires_grad_() if c["init"] else None
    c0 = f32(torch.randn(L * D, *batch_dims, H)).requires_grad_() if c["init"] and kind == "lstm" else None
    inp = pack_padded_sequence(x, lengths, batch_first=c["batch_first"], enforce_sorted=c["sorted"]) if packed else x
    hx = (h0, c0) if kind == "lstm" and c["init"] else h0
    out, hn = m(inp, hx)
    hn, cn = hn if kind == "lstm" else (hn, None)
    out_t = out.data if packed else out
    w_out = f32(torch.randn_like(out_t))
    w_h = f32(torch.randn_like(hn))
    loss = (out_t * w_out).sum() + (hn * w_h).sum()
    case = dict(name=name, kind=kind, input_size=I, hidden_size=H, proj_size=c["proj"], num_layers=L,
                bias=c["bias"], batch_first=c["batch_first"], bidirectional=c["bidirectional"],
                layout=c["layout"], enforce_sorted=c["sorted"], lengths=lengths,
                input_shape=list(x.shape), input=flat(x),
                params={n: dict(shape=list(p.shape), data=flat(p)) for n, p in m.named_parameters()},
                output_shape=list(out_t.shape), output=flat(out_t), h_n_shape=list(hn.shape), h_n=flat(hn),
                w_out=flat(w_out), w_h=flat(w_h))
    if packed:
        case["batch_sizes"] = out.batch_sizes.tolist()
        case["sorted_indices"] = None if out.sorted_indices is None else out.sorted_indices.tolist()
    if cn is not None:
        w_c = f32(torch.randn_like(cn))
        loss = loss + (cn * w_c).sum()
        case.update(c_n=flat(cn), w_c=flat(w_c))
    if h0 is not None:
        case["h0"] = flat(h0)
    if c0 is not None:
        case["c0"] = flat(c0)
    loss.backward()
    case["grad_input"] = flat(x.grad)
    if h0 is not None:
        case["grad_h0"] = flat(h0.grad)
    if c0 is not None:
        case["grad_c0"] = flat(c0.grad)
    case["grad_params"] = {n: flat(p.grad) for n, p in m.named_parameters()}
    return case


def main():
    configs = pairwise_cases()
    # Hand-picked: the deepest bidirectional LSTM with projections, unsorted packed with states.
    configs.append(dict(kind="lstm", layers=3, bidirectional=True, bias=True, batch_first=True, layout="packed",
                        sorted=False, init=True, proj=P))
    configs.append(dict(kind="lstm", layers=2, bidirectional=True, bias=True, batch_first=False, layout="padded",
                        sorted=True, init=True, proj=0))
    configs.append(dict(kind="lstm", layers=1, bidirectional=False, bias=True, batch_first=False, layout="packed",
                        sorted=True, init=False, proj=0))
    # Unbatched (T, I) input with (L*D, H) states, one per cell kind.
    for kind in FACTORS["kind"]:
        configs.append(dict(kind=kind, layers=2, bidirectional=True, bias=True, batch_first=True, layout="unbatched",
                            sorted=True, init=True, proj=0))
    configs.append(dict(kind="gru", layers=2, bidirectional=True, bias=True, batch_first=False, layout="packed",
                        sorted=False, init=True, proj=0))
    cases = [make_case(c, f"case{i:02d}_" + "_".join(f"{k}={v}" for k, v in c.items())) for i, c in enumerate(configs)]
    write("rnn_fixtures.json", cases)
    # Wide layers: H = 70 spans two gate slices of the fused kernels (64 + 6 units, not a multiple of the
    # vector width); packed unsorted, with states. Kept in a second file so that each stays under ~2 MB.
    wide = dict(sizes=(5, 70, 9, 3, 4), lengths=[2, 4, 3], layers=1, bidirectional=False, bias=True, batch_first=False,
                layout="packed", sorted=False, init=True)
    wide_configs = [dict(wide, kind="lstm", proj=0, bidirectional=True), dict(wide, kind="lstm", proj=9),
                    dict(wide, kind="gru", proj=0), dict(wide, kind="rnn_tanh", proj=0)]
    write("rnn_fixtures_wide.json", [make_case(c, f"wide{i:02d}_" + "_".join(
        f"{k}={v}" for k, v in c.items() if k not in ("sizes", "lengths"))) for i, c in enumerate(wide_configs)])


def write(name, cases):
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), name)
    with open(path, "w") as f:
        json.dump(dict(generator="make_rnn_fixtures.py", torch=torch.__version__, cases=cases), f, separators=(",", ":"))
    print(f"{len(cases)} cases -> {path} ({os.path.getsize(path)} bytes)")


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Regenerates the toolkit fixtures (layers, losses, optimisers, schedules, safetensors) from PyTorch.

Run from anywhere with the system interpreter that has PyTorch 1.13:
    /usr/bin/python3 tests/SeqPack.Tests/Fixtures/make_toolkit_fixtures.py
Writes toolkit_layers.json, toolkit_optim.json, toolkit_safetensors.json and toolkit_reference.safetensors
next to this script (the last with the plain-Python writer in safetensors_py.py).
Each tensor is stored as {"shape": [...], "data": [... row-major float32 values ...]}.
"""
import json
import math
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_py  # noqa: E402  (the plain-Python writer/reader of the format)




HERE = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(1234)


def T(t):
    t = t.detach().to(torch.float32).contiguous()
    return {"shape": list(t.shape), "data": [float(v) for v in t.reshape(-1).tolist()]}


def leaf(*shape, scale=1.0):
    return (torch.randn(*shape) * scale).requires_grad_(True)


def unary_case(fn, x):
    x = x.clone().requires_grad_(True)
    y = fn(x)
    g = torch.randn_like(y)
    y.backward(g)
    return {"x": T(x), "y": T(y), "g": T(g), "dx": T(x.grad)}


def layers():
    cases = {}
    extreme = torch.tensor([-30.0, -8.0, -1e-3, 0.0, 1e-3, 8.0, 30.0, 0.5])
    base = torch.cat([torch.randn(3, 8), extreme.unsqueeze(0)])          # (4, 8)
    cases["tanh"] = unary_case(torch.tanh, base)
    cases["sigmoid"] = unary_case(torch.sigmoid, base)
    cases["relu"] = unary_case(torch.relu, base)
    cases["gelu"] = unary_case(lambda v: F.gelu(v), base)
    cases["exp"] = unary_case(torch.exp, torch.randn(4, 8) * 3)
    cases["log"] = unary_case(torch.log, torch.rand(4, 8) * 10 + 1e-3)

    s = torch.randn(2, 5, 3) * 4
    s[0, :, 1] += 1000.0                                                  # stability: huge logits
    cases["softmax_dim1"] = unary_case(lambda v: torch.softmax(v, 1), s)
    cases["log_softmax_dim1"] = unary_case(lambda v: torch.log_softmax(v, 1), s)
    cases["softmax_dim_last"] = unary_case(lambda v: torch.softmax(v, -1), s)
    cases["log_softmax_dim_last"] = unary_case(lambda v: torch.log_softmax(v, -1), s)

    # Linear (*, in) -> (*, out)
    lin = torch.nn.Linear(4, 5)
    x = leaf(2, 3, 4)
    y = lin(x)
    g = torch.randn_like(y)
    y.backward(g)
    cases["linear"] = {"x": T(x), "weight": T(lin.weight), "bias": T(lin.bias), "y": T(y), "g": T(g),
                       "dx": T(x.grad), "dweight": T(lin.weight.grad), "dbias": T(lin.bias.grad)}

    # Embedding with padding_idx: that row gets no gradient even when looked up
    emb = torch.nn.Embedding(7, 3, padding_idx=2)
    with torch.no_grad():
        emb.weight[2] = torch.tensor([0.5, -0.5, 0.25])                   # a non-zero pad row must stay untouched
    ids = torch.tensor([[1, 2, 6], [1, 0, 2]])
    y = emb(ids)
    g = torch.randn_like(y)
    y.backward(g)
    cases["embedding"] = {"weight": T(emb.weight), "ids": ids.reshape(-1).tolist(), "ids_shape": list(ids.shape),
                          "padding_idx": 2, "y": T(y), "g": T(g), "dweight": T(emb.weight.grad)}

    # LayerNorm over the last two dimensions, with affine parameters
    ln = torch.nn.LayerNorm([3, 4], eps=1e-5)
    with torch.no_grad():
        ln.weight.copy_(torch.randn(3, 4))
        ln.bias.copy_(torch.randn(3, 4))
    x = leaf(2, 3, 4, scale=3.0)
    y = ln(x)
    g = torch.randn_like(y)
    y.backward(g)
    cases["layer_norm"] = {"x": T(x), "weight": T(ln.weight), "bias": T(ln.bias), "eps": 1e-5,
                           "normalized_shape": [3, 4], "y": T(y), "g": T(g),
                           "dx": T(x.grad), "dweight": T(ln.weight.grad), "dbias": T(ln.bias.grad)}

    # Cross-entropy variants
    logits = torch.randn(6, 5) * 3
    logits[0, 3] = 80.0                                                   # stability
    targets = [3, -100, 0, 4, 2, 1]
    weight = torch.rand(5) + 0.25
    ce = []
    for name, kw in [
        ("mean", {}),
        ("sum", {"reduction": "sum"}),
        ("none", {"reduction": "none"}),
        ("weight_mean", {"weight": weight}),
        ("weight_none", {"weight": weight, "reduction": "none"}),
        ("smooth_mean", {"label_smoothing": 0.2}),
        ("smooth_weight_mean", {"label_smoothing": 0.15, "weight": weight}),
        ("smooth_weight_sum", {"label_smoothing": 0.3, "weight": weight, "reduction": "sum"}),
        ("smooth_none", {"label_smoothing": 0.1, "reduction": "none"}),
        ("ignore_1", {"ignore_index": 1}),
    ]:
        x = logits.clone().requires_grad_(True)
        t = list(targets)
        if "ignore_index" in kw:
            t[1] = 0
        loss = F.cross_entropy(x, torch.tensor(t), **kw)
        g = torch.randn_like(loss) if loss.dim() > 0 else torch.tensor(1.7)
        loss.backward(g)
        ce.append({"name": name, "logits": T(x), "targets": t,
                   "ignore_index": kw.get("ignore_index", -100),
                   "reduction": kw.get("reduction", "mean"),
                   "label_smoothing": kw.get("label_smoothing", 0.0),
                   "weight": T(kw["weight"]) if "weight" in kw else None,
                   "loss": T(loss), "g": T(g), "dlogits": T(x.grad)})
    cases["cross_entropy"] = ce

    # Binary cross-entropy with logits
    bl = torch.randn(4, 3) * 3
    bl[0, 0], bl[1, 1], bl[2, 2] = 60.0, -60.0, 0.0
    bt = torch.rand(4, 3)
    bt[3] = torch.tensor([0.0, 1.0, 1.0])
    bce = []
    for name, kw in [
        ("mean", {}),
        ("sum", {"reduction": "sum"}),
        ("none_weight_pos", {"reduction": "none", "weight": torch.rand(3) + 0.5, "pos_weight": torch.tensor([0.5, 2.0, 3.0])}),
        ("mean_pos", {"pos_weight": torch.tensor([1.5, 0.25, 4.0])}),
    ]:
        x = bl.clone().requires_grad_(True)
        t = bt.clone().requires_grad_(True)
        loss = F.binary_cross_entropy_with_logits(x, t, **kw)
        g = torch.randn_like(loss) if loss.dim() > 0 else torch.tensor(0.9)
        loss.backward(g)
        bce.append({"name": name, "logits": T(x), "targets": T(t), "reduction": kw.get("reduction", "mean"),
                    "weight": T(kw["weight"]) if "weight" in kw else None,
                    "pos_weight": T(kw["pos_weight"]) if "pos_weight" in kw else None,
                    "loss": T(loss), "g": T(g), "dlogits": T(x.grad), "dtargets": T(t.grad)})
    cases["bce_with_logits"] = bce
    return cases


class Mlp(torch.nn.Module):
    """Linear(4, 6) -> tanh -> Linear(6, 3): the small model every optimiser case trains."""

    def __init__(self):
        super().__init__()
        self.l1 = torch.nn.Linear(4, 6)
        self.l2 = torch.nn.Linear(6, 3)

    def forward(self, x):
        return self.l2(torch.tanh(self.l1(x)))


OPTIM_CASES = [
    # name, optimiser factory, clip max_norm or None, scheduler factory or None
    ("sgd", lambda p: torch.optim.SGD(p, lr=0.1), None, None),
    ("sgd_momentum_dampening_wd", lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, dampening=0.1, weight_decay=0.01), None, None),
    ("sgd_nesterov_wd", lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.001), None, None),
    ("adam_l2", lambda p: torch.optim.Adam(p, lr=0.01, weight_decay=0.1), None, None),
    ("adamw", lambda p: torch.optim.AdamW(p, lr=0.01, weight_decay=0.1), None, None),
    ("adam_betas_eps_clip", lambda p: torch.optim.Adam(p, lr=0.02, betas=(0.8, 0.99), eps=1e-6), 0.3, None),
    ("sgd_momentum_clip_steplr", lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9), 0.5,
     lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=2, gamma=0.5)),
    ("adamw_warmup_cosine", lambda p: torch.optim.AdamW(p, lr=0.01), None,
     lambda o: torch.optim.lr_scheduler.SequentialLR(
         o, [torch.optim.lr_scheduler.LinearLR(o, start_factor=0.2, total_iters=3),
             torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=4, eta_min=1e-4)], milestones=[3])),
]


def optim():
    x = torch.randn(5, 4)
    targets = [0, 2, 1, 1, 0]
    init = Mlp()
    out = {"x": T(x), "targets": targets, "init": {k: T(v) for k, v in init.state_dict().items()}, "cases": []}
    for name, make_opt, clip, make_sched in OPTIM_CASES:
        model = Mlp()
        model.load_state_dict(init.state_dict())
        opt = make_opt(model.parameters())
        sched = make_sched(opt) if make_sched else None
        steps = []
        for _ in range(6):
            opt.zero_grad()
            loss = F.cross_entropy(model(x), torch.tensor(targets))
            loss.backward()
            grads = {k: T(p.grad) for k, p in model.named_parameters()}
            norm = float(torch.nn.utils.clip_grad_norm_(model.parameters(), clip)) if clip is not None else None
            lr = opt.param_groups[0]["lr"]
            opt.step()
            if sched:
                sched.step()
            steps.append({"loss": float(loss), "lr": lr, "grads": grads, "total_norm": norm,
                          "params": {k: T(v) for k, v in model.state_dict().items()}})
        out["cases"].append({"name": name, "clip": clip, "steps": steps})

    def lrs(make, epochs=12):
        o = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
        s = make(o)
        seq = []
        for _ in range(epochs):
            seq.append(o.param_groups[0]["lr"])
            o.step()
            s.step()
        return seq

    sch = torch.optim.lr_scheduler
    out["schedules"] = {
        "step_3_half": lrs(lambda o: sch.StepLR(o, step_size=3, gamma=0.5)),
        "cosine_5_min001": lrs(lambda o: sch.CosineAnnealingLR(o, T_max=5, eta_min=0.01)),
        "linear_quarter_4": lrs(lambda o: sch.LinearLR(o, start_factor=0.25, total_iters=4)),
        "linear_default": lrs(lambda o: sch.LinearLR(o)),
        "warmup4_cosine6": lrs(lambda o: sch.SequentialLR(o, [sch.LinearLR(o, start_factor=0.1, total_iters=4),
                                                              sch.CosineAnnealingLR(o, T_max=6, eta_min=0.001)],
                                                          milestones=[4]), epochs=14),
    }
    return out


def safetensors_fixture():
    """A checkpoint as PyTorch would name it (Linear + LSTM keys), F32 tensors of several ranks (a scalar
    included), an empty tensor, I64 integer state and metadata, written by the plain-Python writer. The values
    are also stored in toolkit_safetensors.json so the C# test can check every element."""
    lstm = torch.nn.LSTM(3, 2)
    lin = torch.nn.Linear(2, 4)
    tensors = {}
    for k, v in lstm.state_dict().items():
        tensors["rnn." + k] = v
    for k, v in lin.state_dict().items():
        tensors["head." + k] = v
    tensors["scalar"] = torch.tensor(-2.5)
    tensors["empty"] = torch.zeros(0, 3)
    ints = {"optimizer.step": [7], "rng.state": [-9223372036854775808, 0, 9223372036854775807, 12345678901234]}
    entries = {k: ("F32", list(v.shape), [float(x) for x in v.reshape(-1).tolist()]) for k, v in tensors.items()}
    entries["optimizer.step"] = ("I64", [], ints["optimizer.step"])
    entries["rng.state"] = ("I64", [2, 2], ints["rng.state"])
    metadata = {"format": "pt", "written_by": "make_toolkit_fixtures.py", "note": "ünïcode ok"}
    safetensors_py.write(os.path.join(HERE, "toolkit_reference.safetensors"), entries, metadata)
    return {"metadata": metadata, "float": {k: T(v) for k, v in tensors.items()},
            "int": {"optimizer.step": {"shape": [], "data": ints["optimizer.step"]},
                    "rng.state": {"shape": [2, 2], "data": ints["rng.state"]}}}


def dump(name, obj):
    with open(os.path.join(HERE, name), "w") as f:
        json.dump(obj, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    dump("toolkit_layers.json", {"torch": torch.__version__, "cases": layers()})
    dump("toolkit_optim.json", dict(torch=torch.__version__, **optim()))
    dump("toolkit_safetensors.json", safetensors_fixture())

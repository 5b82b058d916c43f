#!/usr/bin/python3
"""Regenerates ops_fixtures.json: tensor ops with gradients and the losses Mse, L1, SmoothL1, Nll and Ctc.

Run with the system interpreter that has PyTorch 1.13:
    /usr/bin/python3 tests/SeqPack.Tests/Fixtures/make_ops_fixtures.py
Each tensor is {"shape": [...], "data": [...]} row-major; NaN and infinities are written as the strings
"NaN", "Infinity" and "-Infinity" (JSON has no literal for them). Every differentiable case stores the
upstream gradient "g" it was back-propagated with and the resulting input gradients "d<name>".
Index results (max/min indices) are stored as floats, as SeqPack returns them.
"""
import json
import math
import os

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(2025)


def num(v):
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    return v


def T(t):
    t = t.detach().to(torch.float32).contiguous()
    return {"shape": list(t.shape), "data": [num(float(v)) for v in t.reshape(-1).tolist()]}


def B(m):
    return {"shape": list(m.shape), "data": [bool(v) for v in m.reshape(-1).tolist()]}


def run(fn, **inputs):
    """Evaluates fn on leaf copies of the inputs, back-propagates a random g, returns the case dict."""
    leaves = {k: v.clone().requires_grad_(True) for k, v in inputs.items()}
    y = fn(**leaves)
    g = torch.randn_like(y)
    y.backward(g)
    case = {k: T(v) for k, v in leaves.items()}
    case.update({"y": T(y), "g": T(g)})
    case.update({"d" + k: T(v.grad if v.grad is not None else torch.zeros_like(v)) for k, v in leaves.items()})
    return case


def reductions():
    return ["mean", "sum", "none"]


def ops():
    c = {}
    x = torch.randn(3, 4, 5)
    tied = torch.tensor([[1.0, 3.0, 3.0, -2.0], [0.5, 0.5, 0.5, 0.5], [-1.0, 2.0, -4.0, 2.0]])
    for name, fn in [("max", torch.max), ("min", torch.min)]:
        for dim, keep in [(1, False), (-1, True), (0, False)]:
            xs = x.clone().requires_grad_(True)
            v, i = fn(xs, dim, keepdim=keep)
            g = torch.randn_like(v)
            v.backward(g)
            c[f"{name}_dim{dim}_keep{int(keep)}"] = {"x": T(x), "dim": dim, "keepdim": keep, "values": T(v),
                                                     "indices": T(i.float()), "g": T(g), "dx": T(xs.grad)}
        ts = tied.clone().requires_grad_(True)
        v, i = fn(ts, 1)
        g = torch.randn_like(v)
        v.backward(g)
        c[f"{name}_ties"] = {"x": T(tied), "dim": 1, "keepdim": False, "values": T(v), "indices": T(i.float()),
                             "g": T(g), "dx": T(ts.grad)}
        c[f"{name}_full_ties"] = run(lambda x: fn(x), x=tied)

    idx = torch.tensor([[[0, 2, 2, 1, 0], [3, 3, 0, 1, 2]], [[1, 1, 1, 1, 1], [0, 0, 3, 2, 1]],
                        [[2, 0, 1, 3, 3], [1, 2, 0, 0, 0]]])
    c["gather_dim1"] = run(lambda x: torch.gather(x, 1, idx), x=x)
    c["gather_dim1"]["index"] = T(idx.float())
    sel = [2, 0, 2, 1]
    c["index_select_dim1"] = run(lambda x: torch.index_select(x, 1, torch.tensor(sel)), x=x)
    c["index_select_dim1"]["index"] = sel

    cond = torch.rand(3, 1, 5) > 0.5
    a, b = torch.randn(1, 4, 5), torch.randn(5)
    c["where_broadcast"] = run(lambda a, b: torch.where(cond, a, b), a=a, b=b)
    c["where_broadcast"]["cond"] = B(cond)
    mask = torch.tensor([[True], [False], [True], [False]])
    c["masked_fill"] = run(lambda x: x.masked_fill(mask, -1e9), x=x)
    c["masked_fill"]["mask"] = B(mask)

    p = torch.tensor([[1.0, 2.0, float("nan"), -1.0], [0.0, -0.0, 3.0, 2.0]])
    q = torch.tensor([2.0, 2.0, float("nan"), -3.0])
    c["compare"] = {"p": T(p), "q": T(q)}
    for op in ["eq", "ne", "lt", "le", "gt", "ge"]:
        c["compare"][op] = B(getattr(torch, op)(p, q))
        c["compare"][op + "_scalar"] = B(getattr(torch, op)(p, 2.0))

    u = torch.cat([torch.randn(2, 5), torch.tensor([[0.0, -1.0, 1.0, 0.25, -0.5]])])
    c["abs"] = run(torch.abs, x=u)
    c["sqrt"] = run(torch.sqrt, x=torch.rand(3, 4) * 4 + 0.05)
    pos = torch.rand(3, 4) * 3 + 0.1
    for e in [2.0, 0.5, 3.0, -1.5, 0.0]:
        c[f"pow_{e}"] = run(lambda x: torch.pow(x, e), x=pos if e != 3.0 else u)
        c[f"pow_{e}"]["exponent"] = e
    w = torch.tensor([[-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0, 0.999]])
    for lo, hi in [(-1.0, 1.0), (-0.5, None), (None, 0.5)]:
        key = f"clamp_{lo}_{hi}"
        c[key] = run(lambda x: torch.clamp(x, lo, hi), x=w)
        c[key]["min"], c[key]["max"] = lo, hi

    c["permute"] = run(lambda x: x.permute(2, 0, 1), x=x)
    c["permute"]["dims"] = [2, 0, 1]
    c["unsqueeze"] = run(lambda x: x.unsqueeze(-2) * 1.0, x=torch.randn(3, 4))
    c["squeeze"] = run(lambda x: x.squeeze() * 1.0, x=torch.randn(3, 1, 4, 1))
    c["expand"] = run(lambda x: x.expand(2, 3, -1, 4), x=torch.randn(3, 1, 1))
    c["expand"]["sizes"] = [2, 3, -1, 4]

    mm = {}
    for name, sa, sb in [("3x2", (2, 3, 4), (4, 5)), ("2x3", (3, 4), (2, 4, 5)), ("1x3", (4,), (2, 4, 5)),
                         ("3x1", (2, 3, 4), (4,)), ("4x3", (2, 1, 3, 4), (5, 4, 2)), ("3x3", (2, 3, 4), (2, 4, 6))]:
        mm[name] = run(lambda a, b: torch.matmul(a, b), a=torch.randn(*sa), b=torch.randn(*sb))
    c["matmul"] = mm

    lengths = [3, 0, 5, 2]
    c["length_mask"] = {"lengths": lengths, "batch_first": B(torch.arange(6)[None, :] < torch.tensor(lengths)[:, None]),
                        "time_first": B((torch.arange(5)[None, :] < torch.tensor(lengths)[:, None]).t())}
    return c


def losses():
    c = {}
    x, y = torch.randn(3, 4), torch.randn(3, 4)
    y[0, 0] = x[0, 0]                       # a zero difference (the kink of L1)
    for red in reductions():
        c[f"mse_{red}"] = run(lambda input, target: F.mse_loss(input, target, reduction=red), input=x, target=y)
        c[f"l1_{red}"] = run(lambda input, target: F.l1_loss(input, target, reduction=red), input=x, target=y)
        for beta in [1.0, 0.5, 0.0]:
            c[f"smooth_l1_{beta}_{red}"] = run(lambda input, target: F.smooth_l1_loss(input, target, reduction=red, beta=beta),
                                               input=x, target=y)
            c[f"smooth_l1_{beta}_{red}"]["beta"] = beta
        for k in ["mse", "l1"]:
            c[f"{k}_{red}"]["reduction"] = red
        for beta in [1.0, 0.5, 0.0]:
            c[f"smooth_l1_{beta}_{red}"]["reduction"] = red
    lp = torch.randn(5, 4).log_softmax(1)
    t = [1, -100, 3, 0, 2]
    for red in reductions():
        c[f"nll_{red}"] = run(lambda lp: F.nll_loss(lp, torch.tensor(t), ignore_index=-100, reduction=red), lp=lp)
        c[f"nll_{red}"].update({"targets": t, "reduction": red})
    c["nll_ignore7"] = run(lambda lp: F.nll_loss(lp, torch.tensor([7, 2, 7, 0, 1]), ignore_index=7), lp=lp)
    c["nll_ignore7"].update({"targets": [7, 2, 7, 0, 1], "reduction": "mean", "ignore_index": 7})
    return c


def ctc_case(steps, n, classes, targets, input_lengths, target_lengths, blank, red, zero_inf, seed, unbatched=False):
    gen = torch.Generator().manual_seed(seed)
    lp = torch.randn(steps, n, classes, generator=gen).mul(2).log_softmax(2)
    if unbatched:                   # (T, C) with scalar lengths: PyTorch's unbatched form
        lp = lp.squeeze(1)
    lp.requires_grad_(True)
    il, tl = torch.tensor(input_lengths), torch.tensor(target_lengths)
    if unbatched:
        il, tl = il[0], tl[0]
    loss = F.ctc_loss(lp, torch.tensor(targets, dtype=torch.long), il, tl, blank=blank, reduction=red,
                      zero_infinity=zero_inf)
    g = torch.randn_like(loss)
    loss.backward(g)
    return {"log_probs": T(lp), "targets": targets, "input_lengths": input_lengths, "target_lengths": target_lengths,
            "blank": blank, "reduction": red, "zero_infinity": zero_inf, "loss": T(loss), "g": T(g), "dlog_probs": T(lp.grad)}


def ctc():
    c = {}
    # batch of 5, T = 8, C = 5: ordinary, repeats (1 1 needs a blank), empty target, infeasible
    # (3 3 3 3 needs 7 steps, has 5), a short input, and a target filling the input exactly.
    targets = [1, 2, 3, 1, 1, 2, 3, 3, 3, 3, 4, 2, 4]
    tl = [3, 3, 0, 4, 3]
    il = [8, 6, 4, 5, 5]
    seed = 10
    for red in reductions():
        for zi in [False, True]:
            seed += 1
            c[f"mixed_{red}_zi{int(zi)}"] = ctc_case(8, 5, 5, targets, il, tl, 0, red, zi, seed)
    c["blank_last"] = ctc_case(7, 3, 6, [0, 1, 1, 2, 0, 4], [7, 7, 5], [3, 1, 2], 5, "mean", False, 40)
    c["all_feasible_sum"] = ctc_case(9, 3, 4, [1, 2, 2, 3, 1, 3], [9, 9, 8], [2, 3, 1], 0, "sum", False, 41)
    gen = torch.Generator().manual_seed(7)
    n, steps, classes = 6, 50, 20
    tl = torch.randint(1, 16, (n,), generator=gen).tolist()
    il = [steps - 3 * i for i in range(n)]
    tg = torch.randint(1, classes, (sum(tl),), generator=gen).tolist()
    c["large_mean"] = ctc_case(steps, n, classes, tg, il, tl, 0, "mean", False, 42)
    c["unbatched"] = ctc_case(6, 1, 4, [1, 2], [6], [2], 0, "none", False, 43, unbatched=True)
    return c


def main():
    data = {"torch": torch.__version__, "ops": ops(), "losses": losses(), "ctc": ctc()}
    with open(os.path.join(HERE, "ops_fixtures.json"), "w") as f:
        json.dump(data, f, separators=(",", ":"))


if __name__ == "__main__":
    main()

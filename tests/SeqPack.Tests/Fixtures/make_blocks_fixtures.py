#!/usr/bin/python3
"""Regenerates blocks_optim.json (RMSprop steps, OneCycleLR and ReduceLROnPlateau trajectories) from PyTorch.

Run with the system interpreter that has PyTorch 1.13:
    /usr/bin/python3 tests/SeqPack.Tests/Fixtures/make_blocks_fixtures.py
Each tensor is stored as {"shape": [...], "data": [... row-major float32 values ...]}.
"""
import json
import os

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(2501)


def T(t):
    t = t.detach().to(torch.float32).contiguous()
    return {"shape": list(t.shape), "data": [float(v) for v in t.reshape(-1).tolist()]}


class Mlp(torch.nn.Module):
    """Linear(4, 6) -> tanh -> Linear(6, 3), as in make_toolkit_fixtures.py."""

    def __init__(self):
        super().__init__()
        self.l1 = torch.nn.Linear(4, 6)
        self.l2 = torch.nn.Linear(6, 3)

    def forward(self, x):
        return self.l2(torch.tanh(self.l1(x)))


RMSPROP_CASES = {
    "rmsprop_default": dict(lr=0.01),
    "rmsprop_alpha_eps_wd": dict(lr=0.02, alpha=0.9, eps=1e-6, weight_decay=0.05),
    "rmsprop_momentum": dict(lr=0.01, momentum=0.9),
    "rmsprop_centered": dict(lr=0.01, centered=True),
    "rmsprop_centered_momentum_wd": dict(lr=0.005, alpha=0.95, momentum=0.5, centered=True, weight_decay=0.01),
}


def rmsprop():
    x = torch.randn(5, 4)
    targets = [0, 2, 1, 1, 0]
    init = Mlp()
    out = {"x": T(x), "targets": targets, "init": {k: T(v) for k, v in init.state_dict().items()}, "cases": []}
    for name, kwargs in RMSPROP_CASES.items():
        model = Mlp()
        model.load_state_dict(init.state_dict())
        opt = torch.optim.RMSprop(model.parameters(), **kwargs)
        steps = []
        for _ in range(8):
            opt.zero_grad()
            loss = F.cross_entropy(model(x), torch.tensor(targets))
            loss.backward()
            opt.step()
            steps.append({"loss": float(loss), "params": {k: T(v) for k, v in model.state_dict().items()}})
        out["cases"].append({"name": name, "steps": steps})
    return out


def one_cycle(opt_name, steps, **kwargs):
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=0.1, momentum=0.9) if opt_name == "sgd" else torch.optim.Adam([p], lr=0.1)
    sch = torch.optim.lr_scheduler.OneCycleLR(opt, total_steps=steps, **kwargs)
    lrs, moms = [], []
    for _ in range(steps):
        g = opt.param_groups[0]
        lrs.append(g["lr"])
        moms.append(g["momentum"] if opt_name == "sgd" else g["betas"][0])
        opt.step()
        sch.step()
    return {"optimizer": opt_name, "lrs": lrs, "momenta": moms}


def plateau(metrics, **kwargs):
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=1.0)
    sch = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, **kwargs)
    lrs = []
    for m in metrics:
        opt.step()
        sch.step(m)
        lrs.append(opt.param_groups[0]["lr"])
    return {"metrics": metrics, "lrs": lrs}


def schedules():
    falling_then_flat = [1.0, 0.9, 0.8, 0.8, 0.8, 0.79995, 0.8, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.65, 0.65, 0.65, 0.65, 0.65, 0.65, 0.65]
    rising_then_flat = [0.1, 0.2, 0.3, 0.3, 0.3, 0.31, 0.3, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.405, 0.4, 0.4, 0.4, 0.4]
    return {
        "one_cycle": {
            "sgd_cos_default": one_cycle("sgd", 20, max_lr=0.5),
            "sgd_linear_pct04": one_cycle("sgd", 17, max_lr=1.0, pct_start=0.4, anneal_strategy="linear", div_factor=10.0, final_div_factor=100.0),
            "adam_three_phase": one_cycle("adam", 23, max_lr=0.01, three_phase=True, base_momentum=0.8, max_momentum=0.9),
            "sgd_no_momentum_cycle": one_cycle("sgd", 12, max_lr=0.3, cycle_momentum=False),
        },
        "plateau": {
            "min_rel_default_patience2": plateau(falling_then_flat, patience=2),
            "min_abs_cooldown": plateau(falling_then_flat, patience=1, threshold=0.05, threshold_mode="abs", cooldown=2, factor=0.5),
            "min_rel_min_lr": plateau(falling_then_flat, patience=0, factor=0.3, min_lr=0.05),
            "max_rel": plateau(rising_then_flat, mode="max", patience=1, factor=0.5, threshold=0.02),
            "max_abs_eps": plateau(rising_then_flat, mode="max", patience=0, factor=0.5, threshold_mode="abs", threshold=0.001, min_lr=0.1, eps=0.06),
        },
    }


if __name__ == "__main__":
    with open(os.path.join(HERE, "blocks_optim.json"), "w") as f:
        json.dump(dict(torch=torch.__version__, rmsprop=rmsprop(), schedules=schedules()), f, separators=(",", ":"))

# Fixtures for Tensor.ArgMax: torch.argmax(x, dim, keepdim) on tensors with ties, NaNs and infinities.
# NaN and infinities are stored as the strings "nan", "inf", "-inf" (JSON has no literal for them).
import json
import math
import torch

torch.manual_seed(0)


def enc(t):
    def v(x):
        if math.isnan(x):
            return "nan"
        if math.isinf(x):
            return "inf" if x > 0 else "-inf"
        return x
    return {"shape": list(t.shape), "data": [v(x) for x in t.reshape(-1).tolist()]}


inputs = {
    "random_2x3x4": torch.randn(2, 3, 4),
    "ties_3x4": torch.tensor([[1.0, 3.0, 3.0, 0.0], [2.0, 2.0, 2.0, 2.0], [-1.0, -5.0, -1.0, -2.0]]),
    "nan_3x4": torch.tensor([[1.0, float("nan"), 5.0, float("nan")], [float("nan"), 0.0, 1.0, 2.0], [0.0, 1.0, 2.0, float("nan")]]),
    "inf_2x3": torch.tensor([[float("-inf"), float("-inf"), float("-inf")], [1.0, float("inf"), float("inf")]]),
    "small_ints_4x5x2": torch.randint(0, 3, (4, 5, 2)).float(),
}

cases = []
for name, x in inputs.items():
    for dim in range(-x.dim(), x.dim()):
        for keepdim in (False, True):
            r = torch.argmax(x, dim=dim, keepdim=keepdim)
            cases.append({"name": name, "dim": dim, "keepdim": keepdim, "input": enc(x), "expected": enc(r.float())})

with open("argmax_cases.json", "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f)
print(len(cases), "argmax cases")

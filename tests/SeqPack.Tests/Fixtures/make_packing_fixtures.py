#!/usr/bin/python3
"""Regenerates packing_cases.json: torch.nn.utils.rnn results and gradients for random packing cases.

Run with the system interpreter that has PyTorch 1.13 (or all fixtures at once with ./regenerate.sh):
    /usr/bin/python3 tests/SeqPack.Tests/Fixtures/make_packing_fixtures.py

Every case draws B sequences (length, *features) and records, for pad_sequence, pack_padded_sequence,
pad_packed_sequence, pack_sequence, unpad_sequence and unpack_sequence, the outputs and the gradients of
the inputs for a random output gradient. Inputs to pack_padded_sequence / unpad_sequence carry random
values in the padded region (and sometimes extra time steps) so that reading padding would show.
padding_side="left" appeared in PyTorch 2.6 and is not covered here (its expected values are derived by
hand in the C# tests). A tensor is {"shape": [...], "data": [...]}, row-major float32 written with 9
significant digits, which round-trips float32 exactly.
"""
import json
import os
import random

import torch
import torch.nn.utils.rnn as rnn_utils

HERE = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(2)
random.seed(2)


def T(t):
    t = t.detach().to(torch.float32).contiguous()
    return {"shape": list(t.shape), "data": [float("%.9g" % v) for v in t.reshape(-1).tolist()]}


def ints(t):
    return None if t is None else [int(v) for v in t.tolist()]


def leaf(t):
    return t.detach().clone().requires_grad_(True)


def make_case(name, lengths, features, batch_first, enforce_sorted, padding_value=0.0, total_length_extra=None,
              extra_steps=0):
    B = len(lengths)
    seqs = [leaf(torch.randn(l, *features)) for l in lengths]
    case = {"name": name, "batch_first": batch_first, "enforce_sorted": enforce_sorted,
            "padding_value": padding_value, "features": list(features), "lengths": list(lengths),
            "sequences": [T(s) for s in seqs]}

    # pad_sequence
    out = rnn_utils.pad_sequence(seqs, batch_first=batch_first, padding_value=padding_value)
    g = torch.randn_like(out)
    out.backward(g)
    case["pad"] = {"out": T(out), "grad_out": T(g), "grad_sequences": [T(s.grad) for s in seqs]}

    # pack_padded_sequence on a padded tensor whose padding (and extra steps) hold random values
    steps = max(lengths) + extra_steps
    padded_in = leaf(torch.randn(*((B, steps) if batch_first else (steps, B)), *features))
    packed = rnn_utils.pack_padded_sequence(padded_in, torch.tensor(lengths), batch_first=batch_first,
                                            enforce_sorted=enforce_sorted)
    g = torch.randn_like(packed.data)
    packed.data.backward(g)
    case["pack_padded"] = {"input": T(padded_in), "data": T(packed.data), "batch_sizes": ints(packed.batch_sizes),
                           "sorted_indices": ints(packed.sorted_indices),
                           "unsorted_indices": ints(packed.unsorted_indices),
                           "grad_data": T(g), "grad_input": T(padded_in.grad)}

    # pad_packed_sequence of that packed sequence (its data made a leaf)
    data = leaf(packed.data)
    source = rnn_utils.PackedSequence(data, packed.batch_sizes, packed.sorted_indices, packed.unsorted_indices)
    total_length = None if total_length_extra is None else max(lengths) + total_length_extra
    out, out_lengths = rnn_utils.pad_packed_sequence(source, batch_first=batch_first, padding_value=padding_value,
                                                     total_length=total_length)
    g = torch.randn_like(out)
    out.backward(g)
    case["pad_packed"] = {"total_length": total_length, "out": T(out), "lengths": ints(out_lengths),
                          "grad_out": T(g), "grad_data": T(data.grad)}

    # unpack_sequence of the same packed sequence
    data = leaf(packed.data)
    source = rnn_utils.PackedSequence(data, packed.batch_sizes, packed.sorted_indices, packed.unsorted_indices)
    outs = rnn_utils.unpack_sequence(source)
    gs = [torch.randn_like(o) for o in outs]
    torch.autograd.backward(outs, gs)
    case["unpack"] = {"outs": [T(o) for o in outs], "grad_outs": [T(x) for x in gs], "grad_data": T(data.grad)}

    # unpad_sequence of the random padded tensor (cloned: PyTorch transposes its argument in place)
    x = leaf(padded_in)
    outs = rnn_utils.unpad_sequence(x.clone(), torch.tensor(lengths), batch_first=batch_first)
    gs = [torch.randn_like(o) for o in outs]
    torch.autograd.backward(outs, gs)
    case["unpad"] = {"outs": [T(o) for o in outs], "grad_outs": [T(x) for x in gs], "grad_padded": T(x.grad)}

    # pack_sequence
    for s in seqs:
        s.grad = None
    packed = rnn_utils.pack_sequence(seqs, enforce_sorted=enforce_sorted)
    g = torch.randn_like(packed.data)
    packed.data.backward(g)
    case["pack_sequence"] = {"data": T(packed.data), "batch_sizes": ints(packed.batch_sizes),
                             "sorted_indices": ints(packed.sorted_indices),
                             "unsorted_indices": ints(packed.unsorted_indices),
                             "grad_data": T(g), "grad_sequences": [T(s.grad) for s in seqs]}
    return case


def random_lengths(B, max_len, sort):
    lengths = [random.randint(1, max_len) for _ in range(B)]
    return sorted(lengths, reverse=True) if sort else lengths


def main():
    cases = []
    feature_shapes = [(), (1,), (3,), (2, 3)]
    k = 0
    for features in feature_shapes:
        for batch_first in (False, True):
            for enforce_sorted in (True, False):
                for rep in range(3):
                    B = random.randint(1, 6)
                    lengths = random_lengths(B, 7, enforce_sorted)
                    cases.append(make_case(
                        f"random{k}", lengths, features, batch_first, enforce_sorted,
                        padding_value=random.choice([0.0, -1.5, 2.0]),
                        total_length_extra=random.choice([None, 0, 2]), extra_steps=random.choice([0, 0, 1, 3])))
                    k += 1
    for batch_first in (False, True):
        for features in [(), (2, 3)]:
            cases.append(make_case("ties", [3, 5, 3, 1, 5, 3, 1], features, batch_first, False))
            cases.append(make_case("ties_sorted", [5, 5, 3, 3, 3, 1, 1], features, batch_first, True))
            cases.append(make_case("all_length_one", [1, 1, 1, 1], features, batch_first, False, padding_value=-1.0))
            cases.append(make_case("batch_of_one", [4], features, batch_first, True, total_length_extra=3))
            cases.append(make_case("batch_of_one_unsorted", [1], features, batch_first, False))
            cases.append(make_case("sixteen_with_ties", [random.randint(1, 3) for _ in range(16)], features,
                                   batch_first, False, total_length_extra=1))
        # More than 16 sequences with ties: PyTorch's tie order comes from its unstable sort here.
        cases.append(make_case("many_ties_24", [random.randint(1, 3) for _ in range(24)], (2,), batch_first, False))
        cases.append(make_case("many_ties_40", [random.randint(1, 4) for _ in range(40)], (), batch_first, False,
                               padding_value=0.5, extra_steps=2))
    path = os.path.join(HERE, "packing_cases.json")
    with open(path, "w") as f:
        json.dump({"torch_version": torch.__version__, "cases": cases}, f, separators=(",", ":"))
    print(f"wrote {len(cases)} cases to {path} ({os.path.getsize(path)} bytes)")


if __name__ == "__main__":
    main()

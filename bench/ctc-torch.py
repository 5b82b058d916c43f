#!/usr/bin/python3
"""Times PyTorch's CPU ctc_loss on the batch of bench/SeqPack.Bench/Nn/CtcBenchmarks.cs (T=400, N=32, C=40,
input lengths 400 - (37 b mod 120), target lengths 20 + (29 b mod 61)), forward alone and forward+backward,
with as many threads as SeqPack uses by default (the processor count) or with the count given as the first
argument. Prints the median wall and process CPU time of 9 runs after 3 warm-ups (CPU time is the steadier
number on a shared machine). Usage: /usr/bin/python3 bench/ctc-torch.py [threads]
"""
import os
import statistics
import sys
import time

import torch
import torch.nn.functional as F

torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else os.cpu_count())
T, N, C = 400, 32, 40
il = torch.tensor([T - 37 * b % 120 for b in range(N)])
tl = torch.tensor([20 + 29 * b % 61 for b in range(N)])
gen = torch.Generator().manual_seed(5)
targets = torch.randint(1, C, (int(tl.sum()),), generator=gen)
lp = torch.randn(T, N, C, generator=gen).log_softmax(2).requires_grad_(True)


def forward():
    with torch.no_grad():
        F.ctc_loss(lp, targets, il, tl)


def forward_backward():
    lp.grad = None
    F.ctc_loss(lp, targets, il, tl).backward()


for name, fn in [("Forward", forward), ("ForwardBackward", forward_backward)]:
    for _ in range(3):
        fn()
    times, cpu = [], []
    for _ in range(9):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    print(f"torch {torch.__version__} ctc_loss {name}: median {statistics.median(times) * 1e3:.2f} ms wall "
          f"(min {min(times) * 1e3:.2f}), {statistics.median(cpu) * 1e3:.2f} ms CPU, threads {torch.get_num_threads()}")

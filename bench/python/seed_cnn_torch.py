"""Times seed-cnn training steps in PyTorch on the CPU, for `npm run bench` to compare with.

The same network as the studio's seed-cnn template (conv 32, pool, conv 64, pool, conv 64,
flatten, dense 64, dense 10, valid padding, ReLU), the same loss (cross-entropy on softmax),
Adam at 0.001, on the MNIST samples the bench hands over (float32 pixels in [0, 1] and int32
labels, raw little-endian files). Prints one JSON line per batch size:
{"batchSize", "samplesPerSecond", "batches", "repeats", "spread", "threads", "torch"}: the median
of REPEATS windows of BATCHES batches after WARMUP ones, and the slowest and fastest window.

Usage: python3 seed_cnn_torch.py X_FILE Y_FILE N BATCH[,BATCH...] WARMUP BATCHES [REPEATS]
"""
import json
import sys
import time

import numpy as np
import torch
from torch import nn


def seed_cnn() -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(64, 64, 3), nn.ReLU(),
        nn.Flatten(),
        nn.Linear(3 * 3 * 64, 64), nn.ReLU(),
        nn.Linear(64, 10),
    )


def time_batches(x: torch.Tensor, y: torch.Tensor, batch: int, warmup: int, batches: int, repeats: int) -> list:
    torch.manual_seed(1)
    model = seed_cnn()
    opt = torch.optim.Adam(model.parameters(), lr=0.001)
    loss_fn = nn.CrossEntropyLoss()
    n = x.shape[0]
    stamps = []
    for i in range(warmup + batches * repeats):
        start = (i * batch) % max(1, n - batch + 1)
        xb, yb = x[start:start + batch], y[start:start + batch]
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()
        float(loss)  # the step is done when its loss is read, as the studio reads it
        stamps.append(time.perf_counter())
    # Each window of `batches` after the warm-up: from the end of the batch before it to the end of its last.
    return [batch * batches / (stamps[warmup - 1 + (r + 1) * batches] - stamps[warmup - 1 + r * batches]) for r in range(repeats)]


def main() -> None:
    x_file, y_file, n, sizes, warmup, batches = sys.argv[1:7]
    n, warmup, batches = int(n), int(warmup), int(batches)
    repeats = int(sys.argv[7]) if len(sys.argv) > 7 else 1
    x = torch.from_numpy(np.fromfile(x_file, dtype='<f4')[: n * 784].reshape(n, 1, 28, 28).copy())
    y = torch.from_numpy(np.fromfile(y_file, dtype='<i4')[:n].astype(np.int64))
    # One thread per core (torch's own default is the physical cores): PyTorch's best on this CPU.
    # Our WASM runs 1 thread on 2 cores, so the ratio compares our best path with PyTorch's best.
    torch.set_num_threads(len(__import__('os').sched_getaffinity(0)))
    for size in (int(s) for s in sizes.split(',')):
        # Windows one after another, and their median: one short window swings with the machine.
        rates = sorted(time_batches(x, y, size, max(1, warmup), batches, max(1, repeats)))
        print(json.dumps({"batchSize": size, "samplesPerSecond": rates[len(rates) // 2], "batches": batches,
                          "repeats": len(rates), "spread": [rates[0], rates[-1]],
                          "threads": torch.get_num_threads(), "torch": torch.__version__}), flush=True)


if __name__ == '__main__':
    main()

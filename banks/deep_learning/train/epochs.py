"""How many epochs a number of SGD iterations amounts to.

One epoch is one pass over the data set. With N examples, batch size B and the last partial batch
dropped, an epoch has floor(N/B) iterations; with it kept, ceil(N/B). When B divides N both give
N/B and epochs = iterations * B / N.
Source: Goodfellow, Bengio & Courville, "Deep Learning" (2016), section 8.1.3 (minibatch algorithms);
PyTorch docs of ``torch.utils.data.DataLoader`` (``drop_last``).
"""

import math

import numpy as np

from generator.answers import Numerical
from generator.question import Question


def _check(p):
    it, n, b = p["iterations"], p["dataset_size"], p["batch_size"]
    for name, v in (("iterations", it), ("dataset_size", n), ("batch_size", b)):
        if not isinstance(v, int) or isinstance(v, bool) or v < 1:
            raise ValueError(f"{name} must be a positive integer, got {v!r}")
    if p["last_batch"] not in ("drop", "keep"):
        raise ValueError("last_batch must be 'drop' or 'keep'")
    if b > n and p["last_batch"] == "drop":
        raise ValueError("with the last partial batch dropped, batch_size must not exceed dataset_size")
    if n > 10_000_000:
        raise ValueError("dataset_size must be at most 10,000,000")
    return it, n, b, p["last_batch"]


def steps_per_epoch(n: int, b: int, last_batch: str) -> int:
    return n // b if last_batch == "drop" else math.ceil(n / b)


class Epochs(Question):
    id = "dl/train/epochs"
    title = "Iterations, batch size and epochs"
    topic = "train"
    tags = ("training", "sgd", "epochs")
    difficulty = "beginner"
    source = "seed paper 004 (Q6, epochs of SGD)"
    points = 1.0
    stem = r"""
A network is trained with minibatch SGD for \(<<iterations>>\) iterations (parameter updates) on a training set
of \(<<dataset_size>>\) examples with batch size \(<<batch_size>>\). Each epoch visits every example once
(in shuffled order); <% if last_batch == "drop" %>if the last batch of an epoch would be smaller than
\(<<batch_size>>\), it is \textbf{dropped}<% else %>if the last batch of an epoch is smaller than
\(<<batch_size>>\), it is \textbf{kept} as a smaller batch<% endif %>. How many epochs does the training run
last? (Give a decimal if it is not a whole number.)
"""
    solution = r"""
<% if divides %>
\(<<batch_size>>\) divides \(<<dataset_size>>\), so one epoch takes \(<<dataset_size>>/<<batch_size>> = <<steps>>\)
iterations and
\[ \text{epochs} = \frac{<<iterations>>\times<<batch_size>>}{<<dataset_size>>} = <<answer.shown()>>. \]
<% else %>
\(<<dataset_size>>/<<batch_size>> = <<ratio|num(2)>>\) is not a whole number; with the partial batch
<% if last_batch == "drop" %>dropped an epoch has \(\lfloor <<ratio|num(2)>> \rfloor<% else %>kept an epoch has
\(\lceil <<ratio|num(2)>> \rceil<% endif %> = <<steps>>\) iterations, so
\[ \text{epochs} = \frac{<<iterations>>}{<<steps>>} = <<answer.shown()>>. \]
<% endif %>
"""

    def draw(self, rng):
        b = int(rng.choice([16, 20, 25, 32, 50, 64, 100, 128, 200, 250, 256]))
        if rng.random() < 0.6:  # the batch size divides the data set
            n = b * int(rng.choice([40, 50, 60, 80, 100, 120, 125, 150, 200, 250, 400, 500]))
        else:
            n = int(rng.choice([1000, 2500, 5000, 6000, 10000, 12000, 15000, 20000, 50000, 60000]))
            if n % b == 0:
                n += int(rng.integers(1, b))
        last = "drop" if rng.random() < 0.5 else "keep"
        steps = steps_per_epoch(n, b, last)
        iterations = int(rng.integers(2, 61)) * steps
        if steps % 2 == 0 and rng.random() < 0.3:  # and a half epoch
            iterations += steps // 2
        return {"iterations": iterations, "dataset_size": n, "batch_size": b, "last_batch": last}

    def working(self, p):
        _, n, b, last = _check(p)
        return {"divides": n % b == 0, "ratio": n / b, "steps": steps_per_epoch(n, b, last)}

    def solve(self, p):
        it, n, b, last = _check(p)
        return Numerical(it / steps_per_epoch(n, b, last), tolerance=0.01, places=2)

    def verify(self, p):
        # Independent route: deal one epoch's example indices into batches, apply the convention, count.
        it, n, b, last = _check(p)
        batches = np.array_split(np.arange(n), list(range(b, n, b)))
        if last == "drop" and len(batches[-1]) < b:
            batches.pop()
        return it / len(batches)

"""How many epochs a number of SGD iterations amounts to.

One epoch is one pass over the data set. With N examples, batch size B and the last partial batch
dropped, an epoch has floor(N/B) iterations; with it kept, ceil(N/B). When B divides N both give
N/B and epochs = iterations * B / N.
Source: Goodfellow, Bengio & Courville, "Deep Learning" (2016), section 8.1.3 (minibatch algorithms);
PyTorch docs of ``torch.utils.data.DataLoader`` (``drop_last``).
"""

import math

import numpy as np

from generator.answers import Numerical, numeric_option
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


def _mistakes(it: int, n: int, b: int, last: str) -> tuple:
    """The modelled wrong answers: the other last-batch convention, and ignoring batches (iterations*B/N)."""
    other = "keep" if last == "drop" else "drop"
    out = [(it / steps_per_epoch(n, b, other), "used the other last-batch convention"),
           (it * b / n, "divided by N/B without rounding the number of batches"),
           (it / n, "took one iteration to be one example")]
    if other == "drop" and n < b:
        out = out[1:]
    key = it / steps_per_epoch(n, b, last)
    # when B divides N the conventions agree: the same number is then no mistake
    return tuple(numeric_option(v, rationale=why) for v, why in out if abs(v - key) > 1e-9 * key)


def _places(value: float, mistakes: tuple) -> int:
    """Decimals asked for: 2, or more when a mistake lies within 3 units of the last decimal of the key.

    The tolerance is one unit of the last decimal, so a correctly rounded
    answer (off by at most half a unit) is accepted, and a mistake more
    than three units away stays wrong even after rounding.
    """
    gap = min((abs(m.value - value) for m in mistakes), default=1.0)
    places = 2
    while places < 6 and gap <= 3 * 10.0 ** -places:
        places += 1
    return places


class Epochs(Question):
    id = "dl/train/epochs"
    title = "Iterations, batch size and epochs"
    topic = "train"
    tags = ("training", "sgd", "epochs")
    difficulty = "beginner"
    source = "seed paper 004 (Q6, epochs of SGD)"
    points = 1.0
    valid_range = (0, float("inf"))
    stem = r"""
A network is trained with minibatch SGD for \(<<iterations>>\) iterations (parameter updates) on a training set
of \(<<dataset_size>>\) examples with batch size \(<<batch_size>>\). Each epoch visits every example once
(in shuffled order); <% if last_batch == "drop" %>if the last batch of an epoch would be smaller than
\(<<batch_size>>\), it is \textbf{dropped}<% else %>if the last batch of an epoch is smaller than
\(<<batch_size>>\), it is \textbf{kept} as a smaller batch<% endif %>. How many epochs does the training run
last? (If it is not a whole number, give it to <<answer.places>> decimal places.)
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
        value = it / steps_per_epoch(n, b, last)
        mistakes = _mistakes(it, n, b, last)
        places = _places(value, mistakes)
        return Numerical(value, tolerance=10.0 ** -places, places=places, mistakes=mistakes)

    def verify(self, p):
        # Independent route: deal one epoch's example indices into batches, apply the convention, count.
        it, n, b, last = _check(p)
        batches = np.array_split(np.arange(n), list(range(b, n, b)))
        if last == "drop" and len(batches[-1]) < b:
            batches.pop()
        return it / len(batches)

"""Output size of a 2-D max/average pooling layer, floor or ceil mode (square input and window).

``out = floor((n + 2p - k)/s) + 1``; with ``ceil_mode`` the division is rounded up,
but a last window that would start in the right padding is dropped:
``if (out - 1)*s >= n + p: out -= 1``.

Sources: the PyTorch docs of ``torch.nn.MaxPool2d`` and ``torch.nn.AvgPool2d``
(shape formula; "sliding windows are allowed to go off-bounds if they start
within the left padding or the input; windows that would start in the right
padded region are ignored"; padding at most half the kernel size); Dumoulin &
Visin, "A guide to convolution arithmetic for deep learning" (2016), relationship 6.
"""

from generator.answers import numeric_option, single_choice
from generator.question import Question


def pool_output_size(n: int, k: int, s: int, p: int, ceil_mode: bool) -> int:
    """PyTorch's pooling output size (dilation 1)."""
    num = n + 2 * p - k
    out = (-(-num // s) if ceil_mode else num // s) + 1
    if ceil_mode and (out - 1) * s >= n + p:
        out -= 1
    return out


class PoolingOutputSize(Question):
    id = "dl/cnn/pooling-output-size"
    title = "Output size of a pooling layer"
    topic = "cnn"
    tags = ("pooling", "shapes")
    difficulty = "beginner"
    points = 1.0
    source = "seed papers 002 (Q2c, POOL layers) and 004 (Q10, overlapping max-pooling)"
    valid_range = (1, float("inf"))
    stem = r"""
A<% if kind == "max" %> max<% else %>n average<% endif %>-pooling layer with a \(<<kernel>>\times<<kernel>>\) window,
stride \(<<stride>>\) and <% if padding %>zero padding \(<<padding>>\) on every side<% else %>no padding<% endif %> is
applied to a \(<<size>>\times<<size>>\) feature map. It follows the conventions of
\texttt{torch.nn.<% if kind == "max" %>MaxPool2d<% else %>AvgPool2d<% endif %>} with
<% if ceil_mode %>
\texttt{ceil\_mode=True}: the size is rounded \textbf{up}, so a last window that hangs over the bottom/right
edge is kept, but a window that would start inside the bottom/right padding is dropped.
<% else %>
\texttt{ceil\_mode=False}: the size is rounded \textbf{down}, so only windows that fit entirely inside the
padded input are used.
<% endif %>
What is the height (= width) of the output?
"""
    solution = r"""
<% if ceil_mode %>
\[ \left\lceil \frac{n + 2p - k}{s} \right\rceil + 1
 = \left\lceil \frac{<<size>> + 2\cdot<<padding>> - <<kernel>>}{<<stride>>} \right\rceil + 1 = <<raw>>. \]
The last window starts at position \((<<raw>>-1)\cdot<<stride>> = <<last_start>>\) of the padded input
(counting from 0), which
<% if dropped %>is not before \(n + p = <<edge>>\): it would start in the right padding, so it is dropped and the
output has size \(<<answer.value|num>>\).<% else %>is before \(n + p = <<edge>>\) (it starts inside the input or the
left padding), so it is kept: the output has size \(<<answer.value|num>>\).<% endif %>
<% else %>
\[ \left\lfloor \frac{n + 2p - k}{s} \right\rfloor + 1
 = \left\lfloor \frac{<<size>> + 2\cdot<<padding>> - <<kernel>>}{<<stride>>} \right\rfloor + 1
 = <<answer.value|num>>. \]
<% endif %>
"""

    def draw(self, rng):
        while True:
            k = int(rng.choice([2, 3, 3, 4]))
            p = {
                "size": int(rng.integers(5, 65)),
                "kernel": k,
                "stride": int(rng.choice([2, 2, 3])),
                "padding": int(rng.integers(0, k // 2 + 1)),
                "ceil_mode": bool(rng.random() < 0.5),
                "kind": str(rng.choice(["max", "avg"])),
            }
            uneven = (p["size"] + 2 * p["padding"] - k) % p["stride"] != 0
            big_enough = pool_output_size(p["size"], k, p["stride"], p["padding"], p["ceil_mode"]) >= 4
            if big_enough and (uneven or rng.random() < 0.25):
                return p

    def working(self, p):
        num = p["size"] + 2 * p["padding"] - p["kernel"]
        raw = -(-num // p["stride"]) + 1
        return {
            "raw": raw,
            "last_start": (raw - 1) * p["stride"],
            "edge": p["size"] + p["padding"],
            "dropped": (raw - 1) * p["stride"] >= p["size"] + p["padding"],
        }

    def solve(self, p):
        for name in ("size", "kernel", "stride"):
            if not isinstance(p[name], int) or p[name] < 1:
                raise ValueError(f"{name} must be a positive integer")
        n, k, s, q, ceil = p["size"], p["kernel"], p["stride"], p["padding"], p["ceil_mode"]
        if not isinstance(q, int) or not 0 <= q <= k // 2:
            raise ValueError("padding must be between 0 and half the window size (as in PyTorch)")
        if not isinstance(ceil, bool):
            raise ValueError("ceil_mode must be true or false")  # noqa: TRY004 (solve reports bad params as ValueError)
        if p["kind"] not in ("max", "avg"):
            raise ValueError("kind must be 'max' or 'avg'")
        if n + 2 * q < k:
            raise ValueError("the window is larger than the padded input")
        out = pool_output_size(n, k, s, q, ceil)
        num = n + 2 * q - k
        candidates = [
            (pool_output_size(n, k, s, q, not ceil), "used the other rounding mode"),
            (pool_output_size(n, k, s, 0, ceil), "ignored the padding"),
            (-(-num // s) + 1, "rounded up but kept a window starting in the right padding"),
            ((num // s) if not ceil else -(-num // s), "forgot the +1"),
            (-(-n // s) if ceil else n // s, "divided the input size by the stride"),
            ((n + 2 * q - 2 * k) // s + 1, "subtracted the window size twice"),
            (pool_output_size(n, k, 1, q, ceil), "ignored the stride"),
            ((n + 2 * q) // s + 1, "did not subtract the window size"),
            (pool_output_size(n + k, k, s, q, ceil), "added the window size instead of subtracting it"),
            (out + 1, "off by one (miscounted the window positions)"),
            (out - 1, "off by one (miscounted the window positions)"),
            (out + 2, "off by two (miscounted the window positions)"),
            (out - 2, "off by two (miscounted the window positions)"),
            ((n - k) // s, "ignored the padding and forgot the +1"),
            ((n + q - k) // s + 1, "padded one side only"),
            ((n + q - k) // s, "padded one side only and forgot the +1"),
            (num // k + 1, "used the window size as the stride"),
            (num // (k * k) + 1, "divided by the window area instead of the stride"),
        ]
        return single_choice(
            numeric_option(out, correct=True),
            [numeric_option(v, rationale=why) for v, why in candidates],
            sample_wrong=True, valid=self.valid_range,
        )

    def verify(self, p):
        # Independent route: slide the window over the padded input, one start position at a time.
        n, k, s, q, ceil = p["size"], p["kernel"], p["stride"], p["padding"], p["ceil_mode"]
        length = n + 2 * q  # padded input, positions 0 .. length-1
        count, start = 0, 0
        while True:
            if ceil:
                covered_all = (
                    count > 0 and (start - s) + k >= length
                )  # previous window reached the end
                if covered_all or start >= n + q:  # nothing left, or starts in right pad
                    break
            elif start + k > length:  # the window does not fit
                break
            count += 1
            start += s
        return count

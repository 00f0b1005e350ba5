"""Pooling layers: is this statement true or false? One statement drawn from a pool per variant.

Sources: Goodfellow, Bengio & Courville, "Deep Learning" (2016), section 9.3 (pooling and invariance to
small translations); the PyTorch docs of ``torch.nn.MaxPool2d``, ``torch.nn.AvgPool2d`` and
``torch.nn.AdaptiveAvgPool2d`` (no learnable parameters, applied per channel, output size
``floor((n - k) / s) + 1``); Lin, Chen & Yan, "Network in Network" (ICLR 2014) for global average pooling.
"""

from generator.answers import TrueFalse
from generator.question import Question

#: (true statement, why it is true): the reason is shown in the key.
TRUE = (
    (r"A max-pooling layer has no trainable parameters.",
     r"it only takes the maximum over each window; window size and stride are fixed hyperparameters."),
    (r"Applying ReLU before or after a max-pooling layer gives the same output.",
     r"ReLU is non-decreasing, so \(\max_i \mathrm{ReLU}(x_i) = \mathrm{ReLU}(\max_i x_i)\)."),
    ((r"Max pooling gives some invariance to small translations: shifting the input by a pixel often leaves the "
      r"max-pooled output unchanged."),
     (r"each output records only the maximum of its window, not where in the window it is, so the output changes "
      r"only when a shift changes some window's maximum.")),
    ((r"Average pooling with a \(k\times k\) window and stride \(k\) equals, on each channel, a convolution with a "
      r"fixed \(k\times k\) kernel whose entries are all \(1/k^2\), applied with stride \(k\)."),
     r"both compute the mean of each non-overlapping \(k\times k\) window."),
    (r"A pooling layer keeps the number of channels of its input.",
     r"pooling is applied to each channel separately, so only the height and width change."),
    ((r"In backpropagation through max pooling, each window passes its gradient only to the input that held "
      r"the maximum."),
     (r"the derivative of the maximum is 1 for the largest input and 0 for the others (ties broken by one "
      r"chosen position).")),
    (r"Global average pooling turns an \(H\times W\times C\) feature map into a vector of \(C\) numbers.",
     r"it averages each channel over all \(H\cdot W\) positions, leaving one number per channel."),
)
#: (false statement, why it is false): the reason is shown in the key.
FALSE = (
    (r"Applying ReLU before or after an average-pooling layer always gives the same output.",
     (r"averaging and ReLU do not commute: for the window \(\{-2, 2\}\), ReLU then average gives \(1\), "
      r"average then ReLU gives \(0\).")),
    (r"Max pooling learns one weight for each position of its window.",
     r"max pooling has no weights at all; it selects the largest input."),
    (r"In backpropagation through average pooling, each window passes its whole gradient to its largest input.",
     r"average pooling spreads the gradient equally: each of the \(k^2\) inputs receives \(1/k^2\) of it."),
    (r"A \(2\times 2\) pooling layer with stride 2 doubles the height and width of its input.",
     r"it halves them (rounding down): each \(2\times 2\) window becomes one output."),
    (r"Max pooling makes a CNN invariant to arbitrary rotations of the input image.",
     (r"pooling gives some robustness to small local shifts only; rotation invariance must be learnt, for "
      r"example from rotated training data.")),
    (r"A pooling layer divides the number of channels by its window size.",
     r"pooling works on each channel separately and keeps the number of channels."),
    (r"Max pooling is a linear operation, like average pooling.",
     (r"the maximum is not linear: \(\max(a + b) \ne \max(a) + \max(b)\) in general (average pooling is "
      r"linear).")),
)


class PoolingStatements(Question):
    id = "dl/cnn/pooling-statements"
    title = "Pooling layers: true or false"
    topic = "cnn"
    tags = ("pooling", "concepts")
    difficulty = "beginner"
    source = "seed paper 000 (Minor-I, Q1, ReLU and average pooling; Quiz-1, Q1, invariance)"
    space = "2 lines"  # the one-sentence justification is written on these lines
    stem = r"""
True or false? Justify your answer in one sentence.\par
\emph{<<statement>>}
"""
    solution = r"""
\textbf{<% if truth %>True<% else %>False<% endif %>}: <<reason>>\par
Marking: the mark needs the verdict \emph{<% if truth %>true<% else %>false<% endif %>} and a sentence giving this
reason (in any words); the verdict alone earns nothing.
"""

    def draw(self, rng):
        truth = bool(rng.integers(0, 2))
        return {"truth": truth, "index": int(rng.integers(0, len(TRUE if truth else FALSE)))}

    def working(self, p):
        pool = TRUE if p["truth"] else FALSE
        i = p["index"]
        if isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < len(pool):
            raise ValueError(f"index must be an integer from 0 to {len(pool) - 1}")
        statement, reason = pool[i]
        return {"statement": statement, "reason": reason}

    def solve(self, p):
        if not isinstance(p["truth"], bool):
            raise ValueError("truth must be true or false")  # noqa: TRY004 (the framework expects ValueError)
        self.working(p)
        return TrueFalse(p["truth"])

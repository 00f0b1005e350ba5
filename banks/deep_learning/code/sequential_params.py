"""Code reading: how many trainable parameters does this ``nn.Sequential`` hold?

A small CNN is drawn as PyTorch code: ``Conv2d`` (with or without bias), ``BatchNorm2d`` (a weight and a
bias per channel; its running mean and variance are buffers, not parameters), ``ReLU`` and ``MaxPool2d``
(none), ``Flatten`` and ``Linear``. The flatten size follows from the drawn input size.

Sources: the PyTorch docs of ``torch.nn.Conv2d`` (weight ``C_out x C_in x k x k``, bias ``C_out``),
``torch.nn.BatchNorm2d`` (``affine=True``: weight and bias of size ``C``; ``running_mean`` and
``running_var`` are buffers), ``torch.nn.Linear`` and ``torch.nn.Module.parameters``.
"""

import math
from typing import ClassVar

from generator.answers import numeric_option, single_choice
from generator.question import Question


def _conv_out(n, k, s, p):
    return (n + 2 * p - k) // s + 1


def layer_params(layer: dict, *, with_buffers=False, conv_bias_forced=False) -> int:
    """Trainable parameters of one drawn layer (switches model the common mistakes)."""
    kind = layer["op"]
    if kind == "conv":
        bias = layer["bias"] or conv_bias_forced
        return layer["out"] * layer["in"] * layer["k"] ** 2 + (layer["out"] if bias else 0)
    if kind == "bn":
        return (4 if with_buffers else 2) * layer["c"]
    if kind == "linear":
        return layer["in"] * layer["out"] + layer["out"]
    return 0


def code_line(layer: dict) -> str:
    kind = layer["op"]
    if kind == "conv":
        bias = "" if layer["bias"] else ", bias=False"
        return f"nn.Conv2d({layer['in']}, {layer['out']}, {layer['k']}, stride={layer['s']}, padding={layer['p']}{bias}),"
    if kind == "bn":
        return f"nn.BatchNorm2d({layer['c']}),"
    if kind == "relu":
        return "nn.ReLU(),"
    if kind == "pool":
        return "nn.MaxPool2d(2),"
    if kind == "flatten":
        return "nn.Flatten(),"
    return f"nn.Linear({layer['in']}, {layer['out']}),"


def _check(p):
    if not isinstance(p["layers"], list) or not 1 <= len(p["layers"]) <= 20:
        raise ValueError("layers must be a list of 1 to 20 layer dicts")
    size = p["size"]
    if not isinstance(size, int) or isinstance(size, bool) or not 1 <= size <= 1024:
        raise ValueError("size must be an integer from 1 to 1024")
    return p["layers"]


class SequentialParams(Question):
    id = "dl/code/sequential-params"
    title = "Parameters of an nn.Sequential from its code"
    topic = "code"
    tags = ("pytorch", "parameters", "code-reading", "batchnorm")
    difficulty = "intermediate"
    points = 2.0
    source = "seed papers 000 (Quiz-1) and 002 (parameter counts), asked on PyTorch code; PyTorch docs, nn.Conv2d, nn.BatchNorm2d"
    valid_range: ClassVar[tuple[float, float]] = (1, math.inf)
    stem = r"""
The model below is applied to images of size \(<<in_channels>>\times<<size>>\times<<size>>\):
\begin{quote}
<<code>>
\end{quote}
How many values does \texttt{sum(p.numel() for p in model.parameters())} return?
"""
    solution = r"""
Layer by layer (ReLU, max-pooling and flatten have no parameters; a batch-norm layer learns a scale and a
shift per channel, while its running mean and variance are buffers, not parameters):
\begin{itemize}
<% for row in rows %>
\item \texttt{<<row.name>>}: \(<<row.formula>> = <<row.count>>\)

<% endfor %>
\end{itemize}
In total \(<<answer.value|num>>\).
"""

    def draw(self, rng):
        size, c = int(rng.choice([28, 32])), int(rng.choice([1, 3]))
        layers = []
        n, ch = size, c
        for _ in range(int(rng.integers(1, 3))):
            out, k = int(rng.choice([8, 16, 32])), int(rng.choice([3, 5]))
            bn = bool(rng.integers(0, 2))
            layers.append({"op": "conv", "in": ch, "out": out, "k": k, "s": 1, "p": k // 2, "bias": not bn})
            if bn:
                layers.append({"op": "bn", "c": out})
            layers += [{"op": "relu"}, {"op": "pool"}]
            n, ch = _conv_out(n, k, 1, k // 2) // 2, out
        hidden = int(rng.choice([32, 64, 100]))
        layers += [{"op": "flatten"}, {"op": "linear", "in": ch * n * n, "out": hidden}, {"op": "relu"},
                   {"op": "linear", "in": hidden, "out": int(rng.choice([10, 5, 2]))}]
        return {"size": size, "in_channels": c, "layers": layers}

    def working(self, p):
        layers = _check(p)
        lines = [r"\texttt{model = nn.Sequential(}"]
        lines += [r"\texttt{\mbox{}~~~~" + code_line(layer).replace("_", r"\_") + "}" for layer in layers]
        lines.append(r"\texttt{)}")
        rows = []
        for layer in layers:
            count = layer_params(layer)
            if not count:
                continue
            if layer["op"] == "conv":
                formula = rf"{layer['out']}\cdot{layer['in']}\cdot{layer['k']}^2" + (f" + {layer['out']}" if layer["bias"] else "")
            elif layer["op"] == "bn":
                formula = rf"2\cdot{layer['c']}"
            else:
                formula = rf"{layer['in']}\cdot{layer['out']} + {layer['out']}"
            rows.append({"name": code_line(layer).rstrip(",").replace("_", r"\_"), "formula": formula, "count": count})
        return {"code": " \\\\\n".join(lines), "rows": rows}

    def solve(self, p):
        layers = _check(p)
        right = sum(layer_params(layer) for layer in layers)
        convs = [layer for layer in layers if layer["op"] == "conv"]
        linears = [layer for layer in layers if layer["op"] == "linear"]
        mistakes = [
            numeric_option(sum(layer_params(layer, with_buffers=True) for layer in layers),
                           rationale="counted the batch-norm running mean and variance as parameters"),
            numeric_option(sum(layer_params(layer, conv_bias_forced=True) for layer in layers),
                           rationale="gave every convolution a bias, even with bias=False"),
            numeric_option(right - sum(layer_params(layer) for layer in layers if layer["op"] == "bn"),
                           rationale="counted no parameters for batch normalisation"),
            numeric_option(right - sum(layer["out"] for layer in linears) - sum(layer["out"] for layer in convs if layer["bias"]),
                           rationale="forgot every bias"),
            numeric_option(right - sum(layer["out"] * layer["in"] * (layer["k"] ** 2 - layer["k"]) for layer in convs),
                           rationale="used k instead of k squared in the convolutions"),
            numeric_option(right + sum(layer["out"] * layer["in"] * (2 * layer["k"] + 1) for layer in convs),
                           rationale="used (k+1) squared in the convolutions"),
            numeric_option(right + sum(layer["in"] for layer in linears), rationale="counted a bias per input of each linear layer"),
            numeric_option(right - layer_params(linears[-1]), rationale="left out the output layer"),
            numeric_option(right + sum(4 * layer["out"] for layer in convs),
                           rationale="gave every max-pooling layer a learnable 2-by-2 kernel per channel"),
        ]
        return single_choice(numeric_option(right, correct=True), mistakes, valid=self.valid_range)

    def verify(self, p):
        # Independent route: walk the layers with the feature-map shape, checking each layer's input
        # matches (as the forward pass would), and list every parameter tensor's shape.
        layers = _check(p)
        c, n = p["in_channels"], p["size"]
        shapes = []
        flat = None
        for layer in layers:
            kind = layer["op"]
            if kind == "conv":
                if layer["in"] != c:
                    raise ValueError("channel mismatch")
                shapes.append((layer["out"], c, layer["k"], layer["k"]))
                if layer["bias"]:
                    shapes.append((layer["out"],))
                c, n = layer["out"], _conv_out(n, layer["k"], layer["s"], layer["p"])
            elif kind == "bn":
                shapes += [(c,), (c,)]  # weight (gamma) and bias (beta)
            elif kind == "pool":
                n //= 2
            elif kind == "flatten":
                flat = c * n * n
            elif kind == "linear":
                if flat is not None and layer["in"] != flat:
                    raise ValueError("linear input mismatch")
                shapes += [(layer["out"], layer["in"]), (layer["out"],)]
                flat = layer["out"]
        return sum(math.prod(s) for s in shapes)

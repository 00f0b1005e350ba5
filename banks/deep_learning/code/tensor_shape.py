"""Code reading: the shape a short chain of PyTorch tensor operations returns.

A chain of 3-5 operations (convolution, max-pooling, flatten, permute, transpose, reshape/view, a linear
layer, ``x @ x.transpose(...)``, mean/sum over a dimension) is drawn for an image batch ``(B, C, H, W)``
or a token batch ``(B, T, D)``. ``solve`` applies each operation's documented shape rule; ``verify`` runs
the same chain with numpy on arrays of zeros.

Sources: the PyTorch docs of ``torch.nn.Conv2d``, ``torch.nn.MaxPool2d``, ``torch.flatten``,
``torch.Tensor.permute``, ``torch.transpose``, ``torch.reshape``, ``torch.nn.Linear``, ``torch.matmul``
(batched matrix product over the leading dimensions), ``torch.mean``/``torch.sum`` (``keepdim``).
"""

import numpy as np

from generator.answers import Matrix
from generator.question import Question


def _conv_out(n, k, s, p):
    return (n + 2 * p - k) // s + 1


def apply_shape(shape: list[int], op: dict) -> list[int]:
    """The shape after ``op`` (a dict as drawn), by the operation's documented shape rule.

    Raises ``ValueError`` for an operation the shape cannot take (as PyTorch would raise).
    """
    shape = list(shape)
    kind = op["op"]
    if kind == "conv":
        if len(shape) != 4 or shape[1] != op["in"]:
            raise ValueError("Conv2d needs (B, C_in, H, W) with the layer's C_in")
        h, w = (_conv_out(n, op["k"], op["s"], op["p"]) for n in shape[2:])
        if h < 1 or w < 1:
            raise ValueError("the kernel does not fit")
        return [shape[0], op["out"], h, w]
    if kind == "pool":
        if len(shape) != 4 or min(shape[2:]) < op["k"]:
            raise ValueError("MaxPool2d needs (B, C, H, W) at least as large as the window")
        return shape[:2] + [n // op["k"] for n in shape[2:]]
    if kind == "flatten":
        merged = int(np.prod(shape[op["start"]:]))
        return shape[: op["start"]] + [merged]
    if kind == "permute":
        if sorted(op["dims"]) != list(range(len(shape))):
            raise ValueError("permute needs every dimension once")
        return [shape[d] for d in op["dims"]]
    if kind == "transpose":
        a, b = op["a"] % len(shape), op["b"] % len(shape)
        shape[a], shape[b] = shape[b], shape[a]
        return shape
    if kind == "reshape":
        target = list(op["shape"])
        total = int(np.prod(shape))
        if target.count(-1) == 1:
            known = int(np.prod([t for t in target if t != -1]))
            if total % known:
                raise ValueError("reshape: sizes do not divide")
            target[target.index(-1)] = total // known
        if int(np.prod(target)) != total:
            raise ValueError("reshape must keep the number of elements")
        return target
    if kind == "linear":
        if shape[-1] != op["in"]:
            raise ValueError("Linear needs in_features as the last dimension")
        return shape[:-1] + [op["out"]]
    if kind == "gram":
        return shape[:-1] + [shape[-2]]
    if kind in ("mean", "sum"):
        d = op["dim"] % len(shape)
        return shape[:d] + ([1] if op.get("keepdim") else []) + shape[d + 1:]
    if kind == "unsqueeze":
        d = op["dim"] % (len(shape) + 1)
        return shape[:d] + [1] + shape[d:]
    raise ValueError(f"unknown operation {kind!r}")


def code_line(op: dict) -> str:
    """The Python line for ``op`` (plain text; LaTeX escaping is done by :func:`_tt`)."""
    kind = op["op"]
    if kind == "conv":
        return f"x = nn.Conv2d({op['in']}, {op['out']}, kernel_size={op['k']}, stride={op['s']}, padding={op['p']})(x)"
    if kind == "pool":
        return f"x = nn.MaxPool2d({op['k']})(x)"
    if kind == "flatten":
        return f"x = torch.flatten(x, start_dim={op['start']})"
    if kind == "permute":
        return f"x = x.permute({', '.join(map(str, op['dims']))})"
    if kind == "transpose":
        return f"x = x.transpose({op['a']}, {op['b']})"
    if kind == "reshape":
        return f"x = x.reshape({', '.join(map(str, op['shape']))})"
    if kind == "linear":
        return f"x = nn.Linear({op['in']}, {op['out']})(x)"
    if kind == "gram":
        return "x = x @ x.transpose(-2, -1)"
    if kind in ("mean", "sum"):
        keep = ", keepdim=True" if op.get("keepdim") else ""
        return f"x = x.{kind}(dim={op['dim']}{keep})"
    if kind == "unsqueeze":
        return f"x = x.unsqueeze({op['dim']})"
    raise ValueError(f"unknown operation {kind!r}")


def _tt(line: str) -> str:
    return r"\texttt{" + line.replace("_", r"\_") + "}"


def _draw_image(rng):
    b, c = int(rng.choice([4, 8, 16])), int(rng.choice([1, 3]))
    size = int(rng.choice([16, 24, 28, 32]))
    shape = [b, c, size, size]
    out = int(rng.choice([8, 16, 32]))
    k = int(rng.choice([3, 5]))
    ops = [{"op": "conv", "in": c, "out": out, "k": k, "s": int(rng.choice([1, 2])), "p": int(rng.integers(0, 3))}]
    if rng.random() < 0.5:
        ops.append({"op": "pool", "k": 2})
    branch = int(rng.integers(3))
    if branch == 0:
        ops.append({"op": "flatten", "start": 1})
        ops.append({"op": "linear", "in": None, "out": int(rng.choice([10, 64, 128]))})
        if rng.random() < 0.5:
            ops.append({"op": "unsqueeze", "dim": int(rng.choice([0, 1, -1]))})
    elif branch == 1:
        # few enough positions that x @ x.transpose(-2, -1) stays small: stride 2 and a pooling layer
        ops[0]["s"] = 2
        if ops[-1]["op"] != "pool":
            ops.append({"op": "pool", "k": 2})
        ops.append({"op": "flatten", "start": 2})
        ops.append({"op": "transpose", "a": 1, "b": 2})
        ops.append({"op": "gram"} if rng.random() < 0.5 else {"op": "linear", "in": None, "out": int(rng.choice([12, 20]))})
    else:
        ops.append({"op": "permute", "dims": [0, 2, 3, 1]})
        ops.append({"op": "reshape", "shape": [b, -1, out]})
        ops.append({"op": str(rng.choice(["mean", "sum"])), "dim": int(rng.choice([1, -1])),
                    "keepdim": bool(rng.integers(0, 2))})
    return shape, ops


def _draw_tokens(rng):
    b, t = int(rng.choice([2, 4, 8])), int(rng.choice([10, 12, 16, 20]))
    d = int(rng.choice([16, 32, 48]))
    heads = int(rng.choice([2, 4, 8]))
    e = heads * int(rng.choice([4, 8, 16]))
    ops = [{"op": "linear", "in": d, "out": e},
           {"op": "reshape", "shape": [b, t, heads, e // heads]}]
    ops.append({"op": "transpose", "a": 1, "b": 2} if rng.random() < 0.5 else {"op": "permute", "dims": [0, 2, 1, 3]})
    branch = int(rng.integers(3))
    if branch == 0:
        ops.append({"op": "gram"})
    elif branch == 1:
        ops.append({"op": "sum", "dim": -1, "keepdim": bool(rng.integers(0, 2))})
    else:
        ops.append({"op": "transpose", "a": 1, "b": 2})
        ops.append({"op": "flatten", "start": 2})
    return [b, t, d], ops


def _fill_linear_inputs(shape, ops):
    """Give every drawn ``nn.Linear`` the in_features that its input has (as a working network would)."""
    for op in ops:
        if op["op"] == "linear" and op["in"] is None:
            op["in"] = shape[-1]
        shape = apply_shape(shape, op)
    return ops


def _run_numpy(shape, ops):
    """Run the chain on zeros with numpy (sliding windows for conv and pooling) and return the shape."""
    x = np.zeros(shape, dtype=np.float32)
    for op in ops:
        kind = op["op"]
        if kind == "conv":
            k, s, p = op["k"], op["s"], op["p"]
            padded = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
            win = np.lib.stride_tricks.sliding_window_view(padded, (k, k), axis=(2, 3))[:, :, ::s, ::s]
            if win.shape[1] != op["in"]:
                raise ValueError("channel mismatch")
            # one output channel per filter at every window position (the products of zeros are not computed)
            x = np.zeros((win.shape[0], op["out"], win.shape[2], win.shape[3]), np.float32)
        elif kind == "pool":
            k = op["k"]
            h, w = x.shape[2] // k * k, x.shape[3] // k * k
            x = x[:, :, :h, :w].reshape(x.shape[0], x.shape[1], h // k, k, w // k, k).max(axis=(3, 5))
        elif kind == "flatten":
            x = x.reshape(*x.shape[: op["start"]], -1)
        elif kind == "permute":
            x = np.transpose(x, op["dims"])
        elif kind == "transpose":
            x = np.swapaxes(x, op["a"], op["b"])
        elif kind == "reshape":
            x = x.reshape(op["shape"])
        elif kind == "linear":
            if x.shape[-1] != op["in"]:
                raise ValueError("in_features mismatch")
            # x W for a zero W: the products are all zero, so one input column gives the same result
            x = x[..., :1] @ np.zeros((1, op["out"]), np.float32)
        elif kind == "gram":
            x = x @ np.swapaxes(x, -2, -1)
        elif kind in ("mean", "sum"):
            x = getattr(np, kind)(x, axis=op["dim"], keepdims=bool(op.get("keepdim")))
        elif kind == "unsqueeze":
            x = np.expand_dims(x, op["dim"])
    return list(x.shape)


class TensorShape(Question):
    id = "dl/code/tensor-shape"
    title = "What shape does this PyTorch code return?"
    topic = "code"
    tags = ("pytorch", "shapes", "code-reading")
    difficulty = "intermediate"
    points = 2.0
    source = "seed paper 001 (Q24, batched matrix products in PyTorch); PyTorch docs of the operations used"
    stem = r"""
After \texttt{import torch} and \texttt{from torch import nn}, the following lines run without error:
\begin{quote}
<<code>>
\end{quote}
What is \texttt{x.shape} after the last line? Give the sizes in order, as a vector.
"""
    solution = r"""
Following the shape line by line:
\begin{itemize}
<% for row in steps %>
\item <<row.code>>: \((<<row.shape>>)\)
<% endfor %>
\end{itemize}
So \texttt{x.shape} is \texttt{torch.Size([<<final>>])}.
"""

    def draw(self, rng):
        shape, ops = _draw_image(rng) if rng.random() < 0.5 else _draw_tokens(rng)
        return {"shape": shape, "ops": _fill_linear_inputs(shape, ops)}

    def _shapes(self, p):
        shape = p["shape"]
        if not isinstance(shape, list) or not 2 <= len(shape) <= 5 or not all(
                isinstance(n, int) and not isinstance(n, bool) and 1 <= n <= 512 for n in shape):
            raise ValueError("shape must be a list of 2 to 5 sizes from 1 to 512")
        if not isinstance(p["ops"], list) or not 1 <= len(p["ops"]) <= 8:
            raise ValueError("ops must be a list of 1 to 8 operations")
        shapes = [list(shape)]
        for op in p["ops"]:
            if not isinstance(op, dict) or "op" not in op:
                raise ValueError("each operation is a dict with an 'op' name")
            shapes.append(apply_shape(shapes[-1], op))
        return shapes

    def working(self, p):
        shapes = self._shapes(p)
        first = "x = torch.zeros(" + ", ".join(map(str, p["shape"])) + ")"
        codes = [first] + [code_line(op) for op in p["ops"]]
        return {"code": " \\\\\n".join(_tt(c) for c in codes),
                "steps": [{"code": _tt(c), "shape": ", ".join(map(str, s))} for c, s in zip(codes, shapes)],
                "final": ", ".join(map(str, shapes[-1]))}

    def solve(self, p):
        return Matrix.of(self._shapes(p)[-1])

    def verify(self, p):
        return _run_numpy(p["shape"], p["ops"])

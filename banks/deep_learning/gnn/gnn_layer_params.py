"""Learnable parameters of a stack of graph neural network layers (GCN, GraphSAGE-mean or GAT).

Per layer from ``f`` to ``g`` features:

- GCN (``h_i' = W sum_j norm_ij h_j + b``): ``f g + g``;
- GraphSAGE with mean aggregation (``h_i' = W_1 h_i + W_2 mean_j h_j + b``): ``2 f g + g``;
- GAT with ``H`` heads concatenated (each head: ``W`` of ``g x f``, attention vector ``a`` of ``2 g``;
  one bias of ``H g``): ``H (f g + 2 g) + H g``.

None depends on the number of nodes or edges: the weights are shared by every node.

Sources: Kipf & Welling 2017 (GCN); Hamilton, Ying & Leskovec 2017 (GraphSAGE), algorithm 1; Velickovic
et al. 2018 (GAT), section 2.1; the PyTorch Geometric docs of ``GCNConv``, ``SAGEConv`` (``lin_l`` with
bias, ``lin_r`` without) and ``GATConv`` (``lin``, ``att_src``, ``att_dst``, ``bias``).
"""

import itertools
import math
from typing import ClassVar

from generator.answers import numeric_option, single_choice
from generator.question import Question

KINDS = ("gcn", "sage", "gat")


def _check(p):
    widths = p["widths"]
    if not isinstance(widths, list) or not 2 <= len(widths) <= 6 or not all(
            isinstance(w, int) and not isinstance(w, bool) and 1 <= w <= 10_000 for w in widths):
        raise ValueError("widths must list 2 to 6 feature sizes from 1 to 10000")
    if p["kind"] not in KINDS:
        raise ValueError("kind must be gcn, sage or gat")
    for name in ("heads", "n_nodes"):
        if not isinstance(p[name], int) or isinstance(p[name], bool) or p[name] < 1:
            raise ValueError(f"{name} must be a positive integer")
    return widths, p["kind"], p["heads"], p["n_nodes"]


def layer_params(kind: str, f: int, g: int, heads: int, *, bias=True, attention=True, sage_second=True) -> int:
    """Parameters of one layer from f to g features (switches model the common mistakes)."""
    b = g if bias else 0
    if kind == "gcn":
        return f * g + b
    if kind == "sage":
        return (2 if sage_second else 1) * f * g + b
    return heads * (f * g + (2 * g if attention else 0)) + heads * b


def _layer_widths(widths, kind, heads):
    """(input, output-per-head) sizes of each layer; a GAT layer's input is the previous layer's H*g."""
    ins = [widths[0]] + [w * (heads if kind == "gat" else 1) for w in widths[1:-1]]
    return list(zip(ins, widths[1:], strict=True))


class GnnLayerParams(Question):
    id = "dl/gnn/gnn-layer-params"
    title = "Parameters of GCN, GraphSAGE and GAT layers"
    topic = "gnn"
    tags = ("gnn", "parameters")
    difficulty = "intermediate"
    source = "seed paper 000 (Major, GNNs); Kipf & Welling 2017; Hamilton et al. 2017; Velickovic et al. 2018"
    valid_range: ClassVar[tuple[float, float]] = (1, math.inf)
    limits: ClassVar[dict[str, tuple[float, float]]] = {"heads": (1, 64), "n_nodes": (1, 10**6)}
    stem = r"""
A graph neural network for a graph of <<n_nodes>> nodes stacks <<layers_word>> layers with node-feature
sizes \(<<chain>>\) (input first). Every layer is
<% if kind == "gcn" %>
a GCN layer, \(h_i' = W \sum_{j \in \mathcal{N}(i)\cup\{i\}} \frac{h_j}{\sqrt{d_i d_j}} + b\) (\(W\) maps the
layer's input size to its output size, \(b\) is a bias vector).
<% elif kind == "sage" %>
a GraphSAGE layer with mean aggregation, \(h_i' = W_1 h_i + W_2 \operatorname{mean}_{j\in\mathcal{N}(i)} h_j + b\)
(two weight matrices, one bias vector).
<% else %>
a GAT layer with <<heads>> heads whose outputs are concatenated: head \(m\) has a weight matrix \(W^m\) (from the
layer's input size to the stated output size) and an attention vector \(a^m\) scoring the pair
\([W^m h_i \,\|\, W^m h_j]\); the layer adds one bias vector to the concatenation. So each listed size after the
input is the size \emph{per head}, and the next layer reads <<heads>> times as many features.
<% endif %>
How many learnable parameters does the network have?
"""
    solution = r"""
The weights are shared by all nodes, so the number of nodes does not matter. Layer by layer:
\begin{itemize}
<% for row in rows %>
\item \(<<row.f>> \to <<row.g>>\): \(<<row.formula>> = <<row.count>>\)

<% endfor %>
\end{itemize}
In total \(<<answer.value|num>>\).
"""

    def draw(self, rng):
        kind = str(rng.choice(KINDS))
        depth = int(rng.integers(2, 4))
        widths = [int(rng.choice([16, 32, 64, 100, 128, 300, 500]))]
        widths += [int(rng.choice([8, 16, 32, 64])) for _ in range(depth - 1)]
        widths.append(int(rng.choice([2, 3, 4, 7, 10])))
        return {"kind": kind, "widths": widths, "heads": int(rng.choice([2, 4, 8])) if kind == "gat" else 1,
                "n_nodes": int(rng.choice([50, 100, 500, 1000, 2708]))}

    def working(self, p):
        widths, kind, h, _ = _check(p)
        rows = []
        for f, g in _layer_widths(widths, kind, h):
            formula = {"gcn": rf"{f}\cdot{g} + {g}", "sage": rf"2\cdot{f}\cdot{g} + {g}",
                       "gat": rf"{h}\cdot({f}\cdot{g} + 2\cdot{g}) + {h}\cdot{g}"}[kind]
            rows.append({"f": f, "g": g if kind != "gat" else rf"{h}\times{g}", "formula": formula,
                         "count": layer_params(kind, f, g, h)})
        words = {2: "two", 3: "three", 4: "four", 5: "five"}
        return {"rows": rows, "chain": r" \to ".join(map(str, widths)), "layers_word": words.get(len(widths) - 1)}

    def solve(self, p):
        widths, kind, h, n = _check(p)
        pairs = _layer_widths(widths, kind, h)

        def total(**switches):
            return sum(layer_params(kind, f, g, h, **switches) for f, g in pairs)

        right = total()
        correct = numeric_option(right, correct=True)
        plain_ins = list(itertools.pairwise(widths))
        mistakes = [
            numeric_option(total(bias=False), rationale="forgot the biases"),
            numeric_option(n * total(), rationale="counted a separate set of weights for every node"),
            numeric_option(total() + n * n, rationale="counted the adjacency matrix as parameters"),
        ]
        if kind == "sage":
            mistakes.append(numeric_option(total(sage_second=False), rationale="counted one weight matrix (as in a GCN)"))
            mistakes.append(numeric_option(total() + sum(g for _, g in pairs),
                                           rationale="gave each of the two weight matrices its own bias"))
        if kind == "gat":
            mistakes.append(numeric_option(total(attention=False), rationale="forgot the attention vectors"))
            mistakes.append(numeric_option(sum(layer_params(kind, f, g, h) for f, g in plain_ins),
                                           rationale="ignored that concatenated heads multiply the next layer's input"))
            mistakes.append(numeric_option(sum(layer_params(kind, f, g, 1) for f, g in plain_ins),
                                           rationale="counted a single head"))
        if kind == "gcn":
            mistakes.append(numeric_option(total() + sum(f for f, _ in pairs), rationale="counted the bias at the input size"))
            mistakes.append(numeric_option(2 * total(bias=False) + sum(g for _, g in pairs),
                                           rationale="gave the self-loop its own weight matrix"))
        mistakes += [numeric_option(right + g, rationale="counted the last bias twice") for g in (widths[-1],)]
        mistakes.append(numeric_option(right - widths[-1], rationale="forgot the output layer's bias"))
        mistakes.append(numeric_option(layer_params(kind, *pairs[0], h), rationale="counted only the first layer"))
        return single_choice(correct, mistakes, valid=self.valid_range)

    def verify(self, p):
        # Independent route: list every tensor each layer holds with its shape, as the PyG modules name
        # them, and add up the products of the shapes.
        widths, kind, h, _ = _check(p)
        count = 0
        f = widths[0]
        for g in widths[1:]:
            if kind == "gcn":
                tensors = [(g, f), (g,)]
            elif kind == "sage":
                tensors = [(g, f), (g,), (g, f)]  # lin_l.weight, lin_l.bias, lin_r.weight
            else:
                tensors = [(h * g, f), (1, h, g), (1, h, g), (h * g,)]  # lin.weight, att_src, att_dst, bias
            for shape in tensors:
                size = 1
                for s in shape:
                    size *= s
                count += size
            f = g * h if kind == "gat" else g
        return count

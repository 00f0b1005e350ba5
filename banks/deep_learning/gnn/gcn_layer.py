"""One graph convolution (GCN) layer on a small graph: H' = ReLU(D^-1/2 (A + I) D^-1/2 X W).

``A`` is the adjacency matrix of an undirected graph, ``I`` adds a self-loop to every node and ``D`` is the
diagonal degree matrix of ``A + I``; so node ``i``'s new feature is
``ReLU(sum_{j in N(i) + {i}} x_j W / sqrt(d_i d_j))``.

Sources: Kipf & Welling 2017, "Semi-Supervised Classification with Graph Convolutional Networks",
equation 2; the PyTorch Geometric docs of ``GCNConv`` (the same normalisation, self-loops added).
"""

import math

import numpy as np

from generator.answers import Matrix, MultiPart, Part
from generator.question import Question

TOL = 0.005
#: Node positions of the drawings (cm), for 4 and 5 nodes.
POSITIONS = {4: [(0, 0), (3, 0), (3, 2.2), (0, 2.2)], 5: [(0, 0), (3, 0), (4, 2), (1.5, 3.2), (-1, 2)]}


def _check(p):
    n = p["n_nodes"]
    if not isinstance(n, int) or not 2 <= n <= 8:
        raise ValueError("n_nodes must be from 2 to 8")
    edges = p["edges"]
    if not isinstance(edges, list) or not all(isinstance(e, list) and len(e) == 2 for e in edges):
        raise ValueError("edges must be a list of [i, j] pairs")
    a = np.zeros((n, n))
    for i, j in edges:
        if not (isinstance(i, int) and isinstance(j, int) and 1 <= i <= n and 1 <= j <= n and i != j):
            raise ValueError("edges join two different nodes numbered from 1")
        a[i - 1, j - 1] = a[j - 1, i - 1] = 1
    x = np.asarray(p["features"], dtype=float)
    w = np.asarray(p["weights"], dtype=float)
    if x.ndim != 2 or x.shape[0] != n or w.ndim != 1 or w.size != x.shape[1]:
        raise ValueError("features must be n_nodes rows of f numbers, weights a list of f numbers")
    return a, x, w


class GcnLayer(Question):
    id = "dl/gnn/gcn-layer"
    title = "Output of one GCN layer on a small graph"
    topic = "gnn"
    tags = ("gnn", "graph-convolution", "computation")
    difficulty = "intermediate"
    points = 3.0
    source = "seed paper 000 (Major, GNNs); Kipf & Welling 2017, equation 2"
    stem = r"""
The undirected graph in the figure has <<n_nodes>> nodes and the edges <<edge_text>>. <% if features[0]|length == 1 %>Each node has one input feature (the entries of \(X\), node 1 first)<% else %>Each node has <<features[0]|length>> input features (the rows of \(X\), node 1 first)<% endif %>;
one graph convolution layer with weights \(w\) computes a single output feature per node,
\[ h = \operatorname{ReLU}\!\left(\hat{A} X w\right), \qquad \hat{A} = D^{-1/2}(A + I)\,D^{-1/2}, \qquad
X = <<features|bmatrix>>, \quad w = <<weights_column|bmatrix>>, \]
where \(A\) is the adjacency matrix and \(D\) the diagonal matrix of the degrees of \(A + I\) (each node
counts its own self-loop).
"""
    figure = r"""
<<nodes>>
<% for e in edges %>
\draw[thick] (n<<e[0]>>) -- (n<<e[1]>>);
<% endfor %>
"""
    figure_alt = "A graph of <<n_nodes>> nodes, numbered 1 to <<n_nodes>>, with the edges <<edge_plain>>."
    solution = r"""
\textbf{(a)} With self-loops the degrees are \(d = <<answer.parts[0].answer.array|bmatrix>>\) (neighbours plus one).

\textbf{(b)} First \(Xw = <<xw|bmatrix>>^{\top}\). Node \(i\) sums \(\frac{(Xw)_j}{\sqrt{d_i d_j}}\) over itself
and its neighbours:
\begin{itemize}
<% for row in rows %>
\item node <<row.i>>: \(<<row.sum>> = <<row.value|num(4)>>\)<% if row.value < 0 %>, ReLU gives 0<% endif %>

<% endfor %>
\end{itemize}
So \(h = <<answer.parts[1].answer.array|bmatrix(3)>>\).
"""

    def draw(self, rng):
        n = int(rng.choice([4, 5]))
        while True:
            pairs = [[i, j] for i in range(1, n + 1) for j in range(i + 1, n + 1)]
            chosen = [pairs[k] for k in sorted(rng.choice(len(pairs), size=int(rng.integers(n - 1, n + 2)), replace=False))]
            a = np.zeros((n, n), dtype=int)
            for i, j in chosen:
                a[i - 1, j - 1] = a[j - 1, i - 1] = 1
            reach = np.linalg.matrix_power(a + np.eye(n, dtype=int), n) > 0
            if not reach.all():
                continue
            f = int(rng.choice([1, 2]))
            x = rng.integers(0, 4, size=(n, f))
            w = rng.choice([-1, 1, 2], size=f) if f == 2 else np.array([int(rng.choice([1, 2]))])
            p = {"n_nodes": n, "edges": chosen, "features": x.tolist(), "weights": [int(v) for v in w]}
            xw = x @ w
            if f == 1 and rng.random() < 0.5:
                x = x - 1  # some negative features, so the ReLU can act
                p["features"] = x.tolist()
                xw = x @ w
            if len(set(xw.tolist())) >= 3:
                return p

    def working(self, p):
        a, x, w = _check(p)
        n = a.shape[0]
        deg = (a + np.eye(n)).sum(axis=1)
        xw = x @ w
        rows = []
        for i in range(n):
            terms = []
            total = 0.0
            for j in range(n):
                if i == j or a[i, j]:
                    sign = "-" if xw[j] < 0 and terms else ("+" if terms else "")
                    num = abs(xw[j]) if terms else xw[j]
                    terms.append(rf"{sign}\frac{{{num:g}}}{{\sqrt{{{deg[i]:g}\cdot{deg[j]:g}}}}}")
                    total += xw[j] / math.sqrt(deg[i] * deg[j])
            rows.append({"i": i + 1, "sum": " ".join(terms), "value": total})
        edge_text = ", ".join(f"\\(\\{{{i}, {j}\\}}\\)" for i, j in p["edges"])
        edge_plain = ", ".join(f"{i}-{j}" for i, j in p["edges"])
        nodes = "\n".join(rf"\node[circle, draw, minimum size=7mm] (n{k + 1}) at {POSITIONS.get(n, POSITIONS[5])[k % 5]} {{{k + 1}}};"
                          for k in range(n))
        return {"weights_column": [[v] for v in p["weights"]], "rows": rows, "xw": xw.tolist(), "edge_text": edge_text, "edge_plain": edge_plain, "nodes": nodes}

    def solve(self, p):
        a, x, w = _check(p)
        n = a.shape[0]
        a_tilde = a + np.eye(n)
        d_inv_sqrt = np.diag(1 / np.sqrt(a_tilde.sum(axis=1)))
        h = np.maximum(0, d_inv_sqrt @ a_tilde @ d_inv_sqrt @ x @ w)
        return MultiPart((
            Part("a", r"Give the degrees of \(A + I\), node by node.", Matrix.of(a_tilde.sum(axis=1))),
            Part("b", r"Give the output \(h\), node by node (to 3 decimal places).",
                 Matrix.of(h, tolerance=TOL, places=3), weight=2.0),
        ))

    def verify(self, p):
        # Independent route: message passing over the edge list, one message per (self-)edge, normalised by
        # the degrees counted from the edge list.
        n = p["n_nodes"]
        x = np.asarray(p["features"], dtype=float) @ np.asarray(p["weights"], dtype=float)
        neighbours = {i: {i} for i in range(1, n + 1)}
        for i, j in p["edges"]:
            neighbours[i].add(j)
            neighbours[j].add(i)
        deg = {i: len(s) for i, s in neighbours.items()}
        h = [max(0.0, sum(x[j - 1] / math.sqrt(deg[i] * deg[j]) for j in neighbours[i])) for i in range(1, n + 1)]
        return [[deg[i] for i in range(1, n + 1)], h]

"""Which nodes can influence a node's output after L message-passing (GCN) layers: the L-hop neighbourhood.

Each GCN layer mixes a node's features with its neighbours' (``A + I``), so after ``L`` layers node ``v``
depends on exactly the nodes within ``L`` hops of ``v`` (for generic weights); every node reaches ``v``
once ``L`` is at least the largest distance from ``v`` (its eccentricity).

Sources: Kipf & Welling 2017, section 2 (the K-localised filter: a K-layer model reaches K-th order
neighbourhoods); Xu et al. 2018, "Representation Learning on Graphs with Jumping Knowledge Networks",
section 3 (influence of distant nodes); Hamilton, "Graph Representation Learning" (2020), chapter 5.
"""

import math
from collections import deque
from typing import ClassVar

import numpy as np

from generator.answers import MultiPart, Numerical, Part
from generator.question import Question


def _adjacency(p):
    n = p["n_nodes"]
    if not isinstance(n, int) or not 2 <= n <= 12:
        raise ValueError("n_nodes must be from 2 to 12")
    a = np.zeros((n, n), dtype=int)
    for e in p["edges"]:
        if not (isinstance(e, list) and len(e) == 2 and all(isinstance(i, int) and 1 <= i <= n for i in e)
                and e[0] != e[1]):
            raise ValueError("edges must be [i, j] pairs of different nodes numbered from 1")
        a[e[0] - 1, e[1] - 1] = a[e[1] - 1, e[0] - 1] = 1
    reach = np.linalg.matrix_power(a + np.eye(n, dtype=int), n) > 0
    if not reach.all():
        raise ValueError("the graph must be connected")
    for name in ("node", "layers"):
        if not isinstance(p[name], int) or isinstance(p[name], bool) or p[name] < 1:
            raise ValueError(f"{name} must be a positive integer")
    if p["node"] > n:
        raise ValueError("node must be one of the graph's nodes")
    return a


class GcnReceptiveHops(Question):
    id = "dl/gnn/gcn-receptive-hops"
    title = "How far information travels in a GCN"
    topic = "gnn"
    tags = ("gnn", "message-passing", "receptive-field", "figure")
    difficulty = "beginner"
    points = 2.0
    source = "seed paper 000 (Major, GNNs and message passing); Kipf & Welling 2017, section 2"
    valid_range: ClassVar[dict[str, tuple[float, float]]] = {"a": (1, math.inf), "b": (1, math.inf)}
    stem = r"""
A graph neural network applies <<layers_text>> to the graph in the figure (nodes 1 to <<n_nodes>>; edges
<<edge_text>>). Each layer computes every node's new features from its own features and its neighbours'
features, \(H^{(l+1)} = \operatorname{ReLU}\big(\hat{A} H^{(l)} W^{(l)}\big)\) with
\(\hat{A} = D^{-1/2}(A + I)D^{-1/2}\). Assume weights for which no contribution cancels.
"""
    figure = r"""
<% for node in nodes %>
\node[circle, draw, thick, minimum size=7mm<% if node.i == node_target %>, fill=gray!25<% endif %>] (n<<node.i>>) at (<<node.x>>, <<node.y>>) {<<node.i>>};
<% endfor %>
<% for e in edges %>
\draw[thick] (n<<e[0]>>) -- (n<<e[1]>>);
<% endfor %>
"""
    figure_alt = ("A graph of <<n_nodes>> nodes numbered 1 to <<n_nodes>> with the edges <<edge_plain>>; "
                  "node <<node>> is shaded.")
    solution = r"""
By breadth-first search from node <<node>>, the distances to nodes 1 to <<n_nodes>> are \(<<dist_text>>\).
\textbf{(a)} After <<layers>> <<"layer" if layers == 1 else "layers">> node <<node>> has received information from the nodes
at distance at most <<layers>>: <<within_text>>, that is \(<<answer.parts[0].answer.value|num>>\) nodes (itself included).

\textbf{(b)} The farthest node is \(<<answer.parts[1].answer.value|num>>\) hops away, so
\(<<answer.parts[1].answer.value|num>>\) layers are needed before every node can influence node <<node>>.
"""

    def draw(self, rng):
        n = int(rng.integers(6, 9))
        while True:
            edges = set()
            order = rng.permutation(n) + 1
            for k in range(1, n):  # a random tree: each node joins an earlier one
                parent = int(order[int(rng.integers(max(0, k - 2), k))])
                child = int(order[k])
                edges.add((min(parent, child), max(parent, child)))
            for _ in range(int(rng.integers(0, 2))):
                i, j = (int(v) for v in rng.choice(n, size=2, replace=False) + 1)
                edges.add((min(i, j), max(i, j)))
            p = {"n_nodes": n, "edges": [list(e) for e in sorted(edges)], "node": int(rng.integers(1, n + 1)),
                 "layers": int(rng.choice([1, 2, 2, 3]))}
            dist = self._distances(p)
            within = sum(d <= p["layers"] for d in dist)
            if max(dist) > p["layers"] and 1 < within < n and max(dist) >= 3:
                return p

    def _distances(self, p):
        a = _adjacency(p)
        n = a.shape[0]
        dist = [-1] * n
        start = p["node"] - 1
        dist[start] = 0
        queue = deque([start])
        while queue:
            u = queue.popleft()
            for w in np.flatnonzero(a[u]):
                if dist[w] < 0:
                    dist[w] = dist[u] + 1
                    queue.append(int(w))
        return dist

    def working(self, p):
        dist = self._distances(p)
        n = p["n_nodes"]
        nodes = [{"i": k + 1, "x": f"{2.4 * math.cos(math.pi / 2 - 2 * math.pi * k / n):.2f}",
                  "y": f"{2.4 * math.sin(math.pi / 2 - 2 * math.pi * k / n):.2f}"} for k in range(n)]
        within = [str(k + 1) for k, d in enumerate(dist) if d <= p["layers"]]
        words = {1: "one GCN layer", 2: "two GCN layers", 3: "three GCN layers"}
        return {"nodes": nodes, "node_target": p["node"], "dist_text": ", ".join(map(str, dist)),
                "within_text": "nodes " + ", ".join(within),
                "edge_text": ", ".join(f"\\(\\{{{i}, {j}\\}}\\)" for i, j in p["edges"]),
                "edge_plain": ", ".join(f"{i}-{j}" for i, j in p["edges"]),
                "layers_text": words.get(p["layers"], f"{p['layers']} GCN layers")}

    def solve(self, p):
        dist = self._distances(p)
        return MultiPart((
            Part("a", rf"Node {p['node']} is shaded. From how many nodes' input features (its own included) can "
                      rf"node {p['node']}'s output depend after these layers?",
                 Numerical(sum(d <= p["layers"] for d in dist))),
            Part("b", rf"How many such layers would be needed at least for every node's input to be able to "
                      rf"influence node {p['node']}'s output?", Numerical(max(dist))),
        ))

    def verify(self, p):
        # Independent route: the sparsity pattern of (A + I)^L (the product of L layers' propagation
        # matrices), read in node v's row; (b) the first power whose row has no zero.
        a = _adjacency(p)
        step = a + np.eye(a.shape[0], dtype=int)
        v = p["node"] - 1
        reach = np.linalg.matrix_power(step, p["layers"])[v] > 0
        power, row = 0, np.eye(a.shape[0], dtype=int)[v]
        while not np.all(row > 0):
            row = row @ step
            power += 1
        return [int(reach.sum()), power]

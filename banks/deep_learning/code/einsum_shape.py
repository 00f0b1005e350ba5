"""Code reading: the shape ``torch.einsum`` returns for a drawn equation and drawn operand shapes.

Each letter of the equation names one dimension; a letter that appears in the inputs but not after
``->`` is summed over, the output has the listed letters in order. ``solve`` reads the sizes letter by
letter; ``verify`` runs ``numpy.einsum`` (same subscript rules) on arrays of zeros.

Sources: the PyTorch docs of ``torch.einsum`` (explicit mode: the output subscripts after ``->``,
summation over the other letters); the NumPy docs of ``numpy.einsum``.
"""

import numpy as np

from generator.answers import Matrix
from generator.question import Question

#: (equation, what it computes), operands named A, B, C.
PATTERNS = (
    ("bij,bjk->bik", "a batched matrix product"),
    ("bhqd,bhkd->bhqk", "attention scores for every head"),
    ("bhqk,bhkd->bhqd", "attention-weighted values for every head"),
    ("bi,ij->bj", "a linear layer without bias"),
    ("bij->bji", "a transpose of the last two dimensions"),
    ("bij->bj", "a sum over one dimension"),
    ("i,j->ij", "an outer product"),
    ("bnd,de->bne", "a projection of every token"),
    ("bchw,oc->bohw", "a 1x1 convolution"),
)


def _check(p):
    eq = p["equation"]
    if not isinstance(eq, str) or "->" not in eq or len(eq) > 40:
        raise ValueError("equation must be an explicit einsum equation like 'ij,jk->ik'")
    inputs, out = eq.split("->")
    terms = inputs.split(",")
    shapes = p["shapes"]
    if not isinstance(shapes, list) or len(shapes) != len(terms):
        raise ValueError("shapes must give one shape per operand")
    sizes = {}
    for term, shape in zip(terms, shapes, strict=True):
        if not isinstance(shape, list) or len(shape) != len(term) or not all(
                isinstance(n, int) and not isinstance(n, bool) and 1 <= n <= 4096 for n in shape):
            raise ValueError(f"operand {term}: needs {len(term)} sizes from 1 to 4096")
        for letter, n in zip(term, shape, strict=True):
            if sizes.setdefault(letter, n) != n:
                raise ValueError(f"dimension {letter} has two sizes")
    if not out or any(letter not in sizes for letter in out):
        raise ValueError("every output letter must appear in an input (and the output must not be a scalar)")
    return terms, out, sizes


def _tt(text: str) -> str:
    return r"\texttt{" + text.replace("_", r"\_") + "}"


class EinsumShape(Question):
    id = "dl/code/einsum-shape"
    title = "What shape does this torch.einsum return?"
    topic = "code"
    tags = ("pytorch", "shapes", "code-reading", "einsum")
    difficulty = "beginner"
    source = "seed paper 001 (Q24, batched products with torch.bmm and torch.einsum); PyTorch docs, torch.einsum"
    stem = r"""
The tensors
<<operand_text>>
are combined with
\begin{quote}
\texttt{Y = torch.einsum("<<equation>>", <<names>>)}
\end{quote}
What is \texttt{Y.shape}? Give the sizes in order, as a vector.
"""
    solution = r"""
Reading the letters off the operands: <<size_text>>. The output keeps the letters
\texttt{<<output>>} in this order<% if summed %> and sums over <<summed>><% endif %>, so \texttt{Y.shape} is
\texttt{torch.Size([<<final>>])}. (The equation computes <<meaning>>.)
"""

    def draw(self, rng):
        eq, _ = PATTERNS[int(rng.integers(len(PATTERNS)))]
        letters = sorted(set(eq.replace(",", "").replace("->", "")))
        choices = {"b": [2, 4, 8, 16, 32], "h": [4, 8, 12], "q": [10, 16, 20], "k": [10, 16, 20, 24],
                   "d": [16, 32, 64], "i": [3, 5, 7, 10], "j": [4, 6, 8], "n": [12, 50, 196],
                   "e": [32, 64, 128], "c": [3, 16, 64], "o": [8, 32], "w": [7, 14, 28]}
        while True:
            sizes = {letter: int(rng.choice(choices[letter])) for letter in letters}
            if eq.startswith("bchw"):
                sizes["w"] = sizes["h"] = int(rng.choice([7, 14, 28]))
            if len(set(sizes.values())) >= min(len(sizes), 3):
                break
        terms = eq.split("->")[0].split(",")
        return {"equation": eq, "shapes": [[sizes[letter] for letter in term] for term in terms]}

    def working(self, p):
        terms, out, sizes = _check(p)
        names = ["A", "B", "C"][: len(terms)]
        shapes = [", ".join(map(str, s)) for s in p["shapes"]]
        operand_text = ", ".join(rf"\texttt{{{n}}} of shape \(({s})\)" for n, s in zip(names, shapes, strict=True))
        summed = sorted(set("".join(terms)) - set(out))
        meaning = dict(PATTERNS).get(p["equation"], "a tensor contraction")
        return {"operand_text": operand_text, "names": ", ".join(names), "output": out,
                "size_text": ", ".join(rf"\texttt{{{k}}} = {v}" for k, v in sorted(sizes.items())),
                "summed": ", ".join(_tt(s) for s in summed), "final": ", ".join(str(sizes[c]) for c in out),
                "meaning": meaning}

    def solve(self, p):
        _, out, sizes = _check(p)
        return Matrix.of([sizes[c] for c in out])

    def verify(self, p):
        # Independent route: numpy.einsum on zero arrays of the drawn shapes (broadcast views: nothing
        # allocated for the inputs).
        _check(p)
        arrays = [np.broadcast_to(np.float32(0), tuple(s)) for s in p["shapes"]]
        return list(np.einsum(p["equation"], *arrays).shape)

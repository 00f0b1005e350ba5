"""Memory of the key/value cache of a decoder-only Transformer, with multi-head or grouped-query attention.

During autoregressive generation every layer keeps the keys and values of all past tokens:
``2 (K and V) x layers x batch x tokens x kv_heads x head_dim`` numbers. Multi-head attention has as
many key/value heads as query heads; grouped-query attention shares each key/value head among a group
of query heads (``kv_heads < heads``), dividing the cache by ``heads / kv_heads``.

Sources: Pope et al. 2022, "Efficiently Scaling Transformer Inference", section 3.1 (the KV cache);
Ainslie et al. 2023, "GQA: Training Generalized Multi-Query Transformer Models from Multi-Head
Checkpoints", section 2; the PyTorch docs of ``torch.nn.functional.scaled_dot_product_attention``
(``enable_gqa``) and ``torch.Tensor.element_size``.
"""

import math
from typing import ClassVar

import numpy as np

from generator.answers import MultiPart, Numerical, Part, numeric_option
from generator.question import Question

BYTES = {"fp16": 2, "fp32": 4, "int8": 1}
GIB = 2**30


def _check(p):
    for name in ("layers", "heads", "kv_heads", "head_dim", "batch", "tokens"):
        v = p[name]
        if not isinstance(v, int) or isinstance(v, bool) or v < 1:
            raise ValueError(f"{name} must be a positive integer")
    if p["heads"] % p["kv_heads"]:
        raise ValueError("kv_heads must divide heads")
    if p["dtype"] not in BYTES:
        raise ValueError("dtype must be fp16, fp32 or int8")
    return BYTES[p["dtype"]]


class KvCacheSize(Question):
    id = "dl/attention/kv-cache-size"
    title = "Size of a Transformer's key/value cache"
    topic = "attention"
    tags = ("attention", "transformer", "memory", "autoregressive")
    difficulty = "intermediate"
    points = 2.0
    source = "seed paper 001 (Q25, cost of attention), for generation; Pope et al. 2022; Ainslie et al. 2023 (GQA)"
    valid_range: ClassVar[dict[str, tuple[float, float]]] = {"a": (0, math.inf), "b": (0, math.inf)}
    limits: ClassVar[dict[str, tuple[float, float]]] = {
        "layers": (1, 512), "heads": (1, 512), "kv_heads": (1, 512), "head_dim": (1, 1024), "batch": (1, 4096),
        "tokens": (1, 10**7)}
    stem = r"""
A decoder-only Transformer has <<layers>> layers; each attention layer has <<heads>> query heads of dimension
<<head_dim>>. It generates text for a batch of <<batch>> <<"sequence" if batch == 1 else "sequences">>, each
<<tokens>> tokens long (prompt and generated tokens together), keeping the keys and values of all tokens in
every layer in a cache stored in <<dtype|upper>> (<<nbytes>> <<"byte" if nbytes == 1 else "bytes">> per number).
Take \(1\,\text{GiB} = 2^{30}\) bytes.
"""
    solution = r"""
\textbf{(a)} Keys and values (the factor 2) for every layer, sequence, token, head and dimension:
\[ 2\cdot<<layers>>\cdot<<batch>>\cdot<<tokens>>\cdot<<heads>>\cdot<<head_dim>>\cdot<<nbytes>>\ \text{bytes}
= <<mha_bytes>>\ \text{bytes} \approx <<answer.parts[0].answer.shown()>>\ \text{GiB}. \]
\textbf{(b)} With <<kv_heads>> key/value <<"head" if kv_heads == 1 else "heads">> the factor <<heads>> becomes <<kv_heads>>:
the cache is <<heads // kv_heads>> times smaller, \(\approx <<answer.parts[1].answer.shown()>>\) GiB. The
query heads are unchanged, so the attention still has <<heads>> heads.
"""

    def draw(self, rng):
        heads = int(rng.choice([8, 12, 16, 32, 40]))
        kv = int(rng.choice([d for d in (1, 2, 4, 8) if heads % d == 0 and d < heads]))
        return {"layers": int(rng.choice([12, 24, 32, 40, 48])), "heads": heads, "kv_heads": kv,
                "head_dim": int(rng.choice([64, 128])), "batch": int(rng.choice([1, 4, 8, 16, 32])),
                "tokens": int(rng.choice([1024, 2048, 4096, 8192])), "dtype": str(rng.choice(["fp16", "fp16", "fp32", "int8"]))}

    def _bytes(self, p, heads):
        nbytes = _check(p)
        return 2 * p["layers"] * p["batch"] * p["tokens"] * heads * p["head_dim"] * nbytes

    def working(self, p):
        return {"nbytes": _check(p), "mha_bytes": self._bytes(p, p["heads"])}

    def solve(self, p):
        mha, gqa = self._bytes(p, p["heads"]) / GIB, self._bytes(p, p["kv_heads"]) / GIB

        def wrong(value):
            return (numeric_option(value / 2, rationale="stored only the keys (or only the values)"),
                    numeric_option(value * GIB / 1e9, rationale="used GB (\\(10^9\\) bytes) instead of GiB"))

        return MultiPart((
            Part("a", "How large is the cache, in GiB (3 significant figures), with ordinary multi-head attention?",
                 Numerical(mha, tolerance=0.005, relative=True, mistakes=wrong(mha))),
            Part("b", rf"How large is it with grouped-query attention using {p['kv_heads']} key/value "
                      rf"{'head' if p['kv_heads'] == 1 else 'heads'} (shared by the query heads), in GiB (3 significant figures)?",
                 Numerical(gqa, tolerance=0.005, relative=True, mistakes=wrong(gqa))),
        ))

    def verify(self, p):
        # Independent route: one layer's cache as two (batch, kv_heads, tokens, head_dim) arrays of the
        # dtype (shape arithmetic only, nothing allocated), times the layers.
        dtype = {"fp16": np.float16, "fp32": np.float32, "int8": np.int8}[p["dtype"]]
        _check(p)
        out = []
        for kv in (p["heads"], p["kv_heads"]):
            one = np.broadcast_to(np.zeros((), dtype), (p["batch"], kv, p["tokens"], p["head_dim"]))
            out.append(p["layers"] * 2 * one.size * one.itemsize / GIB)
        return out

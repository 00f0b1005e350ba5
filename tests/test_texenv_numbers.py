"""Numbers as a typesetter prints them: texenv's filters, and the bank's texts that use them."""

from __future__ import annotations

import re

import pytest

from generator.texenv import bmatrix, counted, make_environment, ordinal, term, words


def test_term_brackets_negative_numbers_only():
    assert term(-1) == "(-1)" and term(2.5) == "2.5" and term(-0.25, 3) == "(-0.250)" and term(0) == "0"
    env = make_environment()
    assert env.from_string("\\(3 + <<x|term>>\\)").render(x=-1) == "\\(3 + (-1)\\)"


@pytest.mark.parametrize(("n", "noun", "expected"), [
    (1, "hidden layer", "one hidden layer"), (3, "step", "three steps"), (0, "row", "zero rows"),
    (13, "step", "13 steps"), (1, "input channel", "one input channel")])
def test_counted_gets_the_number_and_the_plural_right(n, noun, expected):
    assert counted(n, noun) == expected


def test_irregular_plural_and_ordinals():
    assert counted(2, "matrix", "matrices") == "two matrices"
    assert [ordinal(k) for k in (1, 2, 3, 12, 13, 21, 22, 23, 111)] == [
        "first", "second", "third", "twelfth", "13th", "21st", "22nd", "23rd", "111th"]
    assert words(7) == "seven" and words(40) == "40"
    with pytest.raises(ValueError):
        words(1.5)


def test_bmatrix_gives_every_entry_the_same_decimals():
    assert bmatrix([-1.5, 2, 0.25]) == r"\begin{bmatrix} -1.50 & 2.00 & 0.25 \end{bmatrix}"
    assert bmatrix([[1, -2], [3, 4]]) == r"\begin{bmatrix} 1 & -2 \\ 3 & 4 \end{bmatrix}"
    assert bmatrix([1, 0.5], 3) == r"\begin{bmatrix} 1.000 & 0.500 \end{bmatrix}"
    assert bmatrix([-0.0001, 1], 2) == r"\begin{bmatrix} 0.00 & 1.00 \end{bmatrix}"  # no "-0.00"


_MATH = re.compile(r"\\\(.*?\\\)|\\\[.*?\\\]", re.DOTALL)


def test_bank_texts_never_print_an_operator_before_a_bare_negative_number_or_one_with_a_plural(bank):
    """``3 + -1``, ``first 1 step``, ``1 outputs``: none in 40 seeds of every template's stem and solution."""
    from generator.variant import make_variant

    problems = []
    for qid in ("dl/backprop/product-graph", "dl/train/optimizer-step", "dl/mlp/param-count", "dl/rnn/rnn-params",
                "dl/cnn/transposed-conv-output-size", "dl/cnn/conv-params"):
        for seed in range(40):
            v = make_variant(bank.questions[qid], seed)
            for text in (v.stem_tex, v.solution_tex):
                for m in _MATH.finditer(text):
                    if re.search(r"(?:[+\-]|\\cdot|\\times)\s*-\s*\d", m.group(0)):
                        problems.append(f"{qid} seed {seed}: {m.group(0)[:80]}")
                plain = _MATH.sub(lambda m: m.group(0)[2:-2] if re.fullmatch(r"\\\(\s*1\s*\\\)", m.group(0)) else "M",
                                  text)
                for m in re.finditer(r"\b1\s+(?:[a-z-]+\s+)?([a-z]+s)\b", plain):
                    if m.group(1) not in ("is", "was", "has", "does"):
                        problems.append(f"{qid} seed {seed}: {m.group(0)}")
    assert not problems, "\n".join(problems[:10])


def test_optimizer_step_names_its_steps_in_words(solve):
    stems = {}
    for seed in range(40):
        v = solve("dl/train/optimizer-step", seed)
        stems[len(v.params["gradients"])] = v.stem_tex
    assert {2, 3} <= set(stems)
    assert "The gradient of the first\nstep was" in stems[2] and "second step" in stems[2]
    assert "first two steps were" in stems[3] and "third step" in stems[3]
    assert not any("first 1 step" in s or re.search(r"first \d steps", s) for s in stems.values())

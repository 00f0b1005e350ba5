"""Every template's text typesets: papers and keys of the first seeds of the whole bank, with pdflatex."""

from __future__ import annotations

import pytest

from generator.check import typeset_check
from generator.errors import LatexError


def test_whole_bank_typesets_inside_the_margins(bank):
    margins = typeset_check(bank, seeds=5)
    assert margins == {}, "\n".join(p for problems in margins.values() for p in problems)


def test_latex_error_names_question_and_seed(bank, monkeypatch):
    from generator import variant

    real = variant.render_text

    def broken(question, which, context, seed):
        text = real(question, which, context, seed)
        return text + r" \undefinedmacro" if which == "stem" and seed == 3 else text

    monkeypatch.setattr(variant, "render_text", broken)
    with pytest.raises(LatexError) as err:
        typeset_check(bank, seeds=4, only=("dl/cnn/conv-output-size",))
    assert "question dl/cnn/conv-output-size seed=" in err.value.message
    assert "Undefined control sequence" in err.value.message

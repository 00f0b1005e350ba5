"""From a question template and a seed to a verified, rendered variant."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType
from typing import Any

import jinja2
import numpy as np

from .answers import Answer, NotEnoughOptions
from .errors import ParamError, TemplateError, VerificationError
from .question import Question
from .seeding import variant_rng
from .texenv import make_environment

#: How many draws a variant may take before its template is declared broken.
MAX_ATTEMPTS = 50


@dataclass(frozen=True)
class Variant:
    """One question template instantiated with one seed.

    ``seed`` reproduces it (``variantex solve ID --seed SEED``); ``attempt``
    is the draw that produced it (0 unless choice options collided and the
    params were redrawn). ``params`` are JSON-ready. ``stem_tex`` and
    ``solution_tex`` are rendered LaTeX.
    """

    question_id: str
    seed: int
    attempt: int
    params: Mapping[str, Any]
    answer: Answer
    stem_tex: str
    solution_tex: str


def to_plain(value: Any) -> Any:
    """``value`` with numpy scalars and arrays turned into Python numbers and lists (JSON-ready)."""
    if isinstance(value, np.ndarray):
        return to_plain(value.tolist())
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    raise TypeError(f"not JSON-ready: {value!r} ({type(value).__name__})")


@cache
def _compiled(qid: str, which: str, source: str) -> jinja2.Template:
    try:
        return _ENV.from_string(source)
    except jinja2.TemplateSyntaxError as e:
        raise TemplateError(f"{qid}: {which} text, line {e.lineno}: {e.message}") from None


_ENV = make_environment()


def render_text(question: Question, which: str, context: Mapping[str, Any], seed: int) -> str:
    """Render the ``stem`` or ``solution`` of ``question``; errors name the id, seed and line."""
    template = _compiled(question.id, which, getattr(question, which))
    try:
        return template.render(**context).strip()
    except jinja2.UndefinedError as e:
        raise TemplateError(f"{question.id} (seed {seed}): {which} text: {e.message}") from None


def make_variant(question: Question, seed: int, overrides: Mapping[str, Any] | None = None) -> Variant:
    """Draw, solve, verify and render one variant of ``question``.

    Draws params with ``variant_rng(seed, attempt)``; ``overrides`` replace
    drawn params by name (``solve --set``). A draw whose choice options are not
    distinct is redrawn, up to :data:`MAX_ATTEMPTS` times.

    Raises :class:`ParamError` for unknown or invalid overrides,
    :class:`VerificationError` when the answer disagrees with the template's
    independent verification, and :class:`TemplateError` for a template that
    breaks its contract (see ``question``).
    """
    last_reason = ""
    for attempt in range(MAX_ATTEMPTS):
        rng = variant_rng(seed, attempt)
        params = _draw(question, rng, seed, overrides)
        try:
            answer = question.solve(params)
        except (ValueError, TypeError, ZeroDivisionError) as e:
            if overrides:
                raise ParamError(f"{question.id}: invalid params {json.dumps(params)}: {e}") from None
            raise TemplateError(f"{question.id} (seed {seed}): solve failed on drawn params "
                                f"{json.dumps(params)}: {e}") from None
        if not isinstance(answer, Answer):
            raise TemplateError(f"{question.id} (seed {seed}): solve returned {type(answer).__name__}, "
                                "expected an Answer")
        try:
            answer = answer.arranged(rng)
        except NotEnoughOptions as e:
            last_reason = str(e)
            if overrides:
                raise ParamError(f"{question.id}: with params {json.dumps(params)}: {e}") from None
            continue
        _verify(question, params, answer, seed)
        context = {**params, **question.working(params), "answer": answer, "params": params}
        return Variant(question.id, seed, attempt, MappingProxyType(params), answer,
                       render_text(question, "stem", context, seed),
                       render_text(question, "solution", context, seed))
    raise TemplateError(f"{question.id} (seed {seed}): no valid variant in {MAX_ATTEMPTS} draws "
                        f"(last: {last_reason})")


def _draw(question: Question, rng: np.random.Generator, seed: int,
          overrides: Mapping[str, Any] | None) -> dict[str, Any]:
    try:
        params = to_plain(question.draw(rng))
    except TypeError as e:
        raise TemplateError(f"{question.id} (seed {seed}): draw returned a value that is not JSON-ready: {e}") from None
    if not isinstance(params, dict):
        raise TemplateError(f"{question.id} (seed {seed}): draw must return a dict of params")
    if overrides:
        unknown = sorted(set(overrides) - set(params))
        if unknown:
            raise ParamError(f"{question.id}: unknown param(s) {', '.join(unknown)}; "
                             f"this question takes: {', '.join(params)}")
        params = {**params, **to_plain(dict(overrides))}
    return params


def _verify(question: Question, params: dict[str, Any], answer: Answer, seed: int) -> None:
    if not question.has_verify():
        if answer.computed:
            raise TemplateError(f"{question.id}: its answer is computed ({answer.kind}) "
                                "but the template has no verify()")
        return
    try:
        independent = question.verify(params)
    except Exception as e:  # noqa: BLE001 - a crashing check is a failed check, reported with its seed
        raise VerificationError(f"{question.id} (seed {seed}): verify() raised {type(e).__name__}: {e}; "
                                f"params {json.dumps(params)}") from None
    if not answer.agrees_with(independent):
        raise VerificationError(
            f"{question.id} (seed {seed}): answer {answer.key_text()} disagrees with the independent "
            f"check {to_plain_repr(independent)}; params {json.dumps(params)}")


def to_plain_repr(value: Any) -> str:
    """A short text form of a verification value for error messages."""
    try:
        return json.dumps(to_plain(value))
    except TypeError:
        return repr(value)

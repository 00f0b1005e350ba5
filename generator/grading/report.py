"""``report.html``: the grading report, one self-contained page (plots are PNGs inlined as data URIs).

First screen: the summary figures, the questions that need a look (flags
with their likely cause: negative discrimination, facility outside
0.10–0.95, unfair variants) and the score histogram. Below: the item table,
facility vs discrimination scatter, per-question option bars (which mistake
drew whom), the variant fairness table, overrides, hand-marked questions and
input problems. The histogram and the scatter are drawn with matplotlib's
object API on the Agg canvas (no pyplot state) and saved without metadata, so
the page is the same bytes for the same grades; option bars are HTML.
"""

from __future__ import annotations

import base64
import importlib
import io
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .analysis import FACILITY_HIGH, FACILITY_LOW, Analysis, analyse
from .distractors import BLANK
from .fairness import FDR, MIN_GAP
from .gradebook import ClassGrades
from .scoring import fmt

if TYPE_CHECKING:
    from matplotlib.figure import Figure

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:1.5rem auto;max-width:70rem;
 color:#1a1a1a;line-height:1.4;padding:0 1rem}
h1{font-size:1.5rem;margin:0 0 .2rem}h2{font-size:1.15rem;margin:1.6rem 0 .5rem;border-bottom:1px solid #ccc}
.sub{color:#555;margin:0 0 1rem}
.top{display:grid;grid-template-columns:minmax(16rem,1fr) minmax(20rem,1.4fr);gap:1.2rem;align-items:start}
table{border-collapse:collapse;font-size:.9rem}td,th{padding:.2rem .5rem;border-bottom:1px solid #e3e3e3;
 text-align:left;vertical-align:top}th{background:#f3f3f3}td.n{text-align:right;font-variant-numeric:tabular-nums}
.flag{background:#fff3cd}.bad{color:#a40000;font-weight:600}.ok{color:#276227}
ul.flags{margin:.3rem 0;padding-left:1.2rem}ul.flags li{margin:.15rem 0}
img{max-width:100%;height:auto}.bars{display:grid;grid-template-columns:repeat(auto-fill,minmax(30rem,1fr));
 gap:1rem}figure{margin:0}figcaption{font-size:.9rem;margin-bottom:.2rem}
table.opt{width:100%;font-size:.82rem}table.opt td{border:0;padding:.05rem .3rem}td.lab{width:45%}
td.bar{width:35%}td.bar span{display:block;height:.8rem;min-width:1px}
span.right{background:#55a868}span.wrong{background:#c44e52}span.blank{background:#999}
"""


#: The modules the report draws with, each imported after those before it (0.05 to 0.2 s each on this VM).
_DRAWING_MODULES = ("matplotlib", "matplotlib.text", "matplotlib.collections", "matplotlib.axes",
                    "matplotlib.figure", "matplotlib.backends.backend_agg")


def warm_up(stop: Callable[[], bool]) -> None:
    """Import the modules the report draws with, one at a time, until ``stop()`` is true or all are.

    ``variantex grade`` calls it while it waits for its grading worker
    (``stop`` asks whether the worker is done): the process forked later to
    draw then inherits them instead of importing them (0.5 s of the report's
    0.8 s, bench/bench_grade.py), and the wait is never lengthened by more
    than one module's import.
    """
    for name in _DRAWING_MODULES:
        if stop():
            return
        importlib.import_module(name)


def _figure(width: float, height: float) -> Figure:
    """A matplotlib figure of that size (inches) on the Agg canvas.

    matplotlib is imported here (or earlier by :func:`warm_up`), not with
    the module: ``variantex grade`` builds its writers before it forks the
    process that draws, and the import (0.5 s) belongs to that process or to
    time spent waiting (bench/bench_grade.py).
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    return fig


def _png(fig: Figure) -> str:
    """The figure as an ``<img>`` data URI (PNG without metadata: same bytes every run)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _num(x: float | None, places: int = 2) -> str:
    return "–" if x is None else fmt(x, places)


def histogram(a: Analysis) -> str:
    """Histogram of the students' totals (points), with the mean marked."""
    fig = _figure(6, 3.2)
    ax = fig.add_subplot()
    totals = a.table.totals
    top = max(a.summary.max_points, 1.0)
    low = min(0.0, float(totals.min())) if len(totals) else 0.0
    ax.hist(totals, bins=np.linspace(low, top, 21), color="#4c72b0", edgecolor="white")
    title = "Scores"
    if a.summary.mean is not None:  # named in the title: a legend inside the axes can cover a bar
        ax.axvline(a.summary.mean, color="#c44e52", linestyle="--")
        title += f" (dashed: mean {a.summary.mean:.2f})"
    ax.set_xlabel(f"total (points of {fmt(a.summary.max_points)})")
    ax.set_ylabel("students")
    ax.set_title(title)
    fig.subplots_adjust(left=0.11, right=0.98, bottom=0.16, top=0.9)  # fixed: tight_layout draws twice
    return _png(fig)


def scatter(a: Analysis) -> str:
    """Facility (x) against discrimination index (y) per question; flagged questions in red, labelled."""
    fig = _figure(6, 4)
    ax = fig.add_subplot()
    ax.axvspan(FACILITY_LOW, FACILITY_HIGH, color="#eef5ee", zorder=0)
    ax.axhline(0, color="#888", linewidth=0.8)
    shown = [(item, bool(a.flags(item))) for item in a.items
             if item.facility is not None and item.discrimination_index is not None]
    if shown:  # one collection for all the points: one per question took 0.15 s to draw
        ax.scatter([i.facility for i, _ in shown], [i.discrimination_index for i, _ in shown],
                   c=["#c44e52" if flagged else "#4c72b0" for _, flagged in shown], s=30, zorder=3)
    for item, flagged in shown:
        ax.annotate(f"Q{item.number}", (item.facility, item.discrimination_index), fontsize=8,
                    xytext=(3, 3), textcoords="offset points", color="#a40000" if flagged else "#333")
    ax.set_xlim(-0.02, 1.02)
    ax.set_xlabel("facility (mean mark / max)")
    ax.set_ylabel("discrimination index (%)")
    ax.set_title("Facility vs discrimination (green: facility 0.10–0.95)")
    fig.subplots_adjust(left=0.12, right=0.98, bottom=0.12, top=0.92)
    return _png(fig)


def _short(label: str, width: int = 45) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"


def _flags_html(a: Analysis) -> str:
    flagged = [(i, a.flags(i)) for i in a.items]
    flagged = [(i, f) for i, f in flagged if f]
    # a mark is NaN while the marker's score is awaited (item_analysis.MarkTable)
    awaiting = {n: k for n, k in zip(a.table.numbers, np.isnan(a.table.marks).sum(axis=0).tolist()) if k}
    out = []
    if flagged:
        out.append("<ul class=flags>")
        for i, reasons in flagged:
            out.append(f"<li><b>Q{i.number}</b> ({escape(i.question_id)}): " +
                       "; ".join(escape(r) for r in reasons) + "</li>")
        out.append("</ul>")
    else:
        out.append("<p class=ok>No question flagged.</p>")
    if awaiting:
        out.append("<p class=bad>Awaiting the marker's score: " + ", ".join(
            f"Q{n} ({k} students)" for n, k in sorted(awaiting.items())) + ". Their items are left out of "
            "the item statistics and count 0 in the totals until the marks are entered.</p>")
    return "\n".join(out)


def _summary_html(a: Analysis, result: ClassGrades) -> str:
    s = a.summary
    rows = [("students graded", str(s.n_students)), ("students without a row", str(result.n_papers - s.n_students)),
            ("mean", f"{_num(s.mean)} / {fmt(s.max_points)}"), ("median", _num(s.median)), ("SD", _num(s.sd)),
            ("min – max", f"{_num(s.min)} – {_num(s.max)}"),
            ("alpha (internal consistency)", _num(s.alpha, 3)), ("error ratio", _num(s.error_ratio, 1) + " %"),
            ("standard error", _num(s.standard_error)), ("skewness", _num(s.skewness)),
            ("kurtosis (excess)", _num(s.kurtosis)),
            ("input problems", str(len(result.problems))), ("overrides", str(len(result.overrides)))]
    return "<table>" + "".join(f"<tr><th>{escape(k)}</th><td class=n>{escape(v)}</td></tr>" for k, v in rows) + \
        "</table>"


def _items_html(a: Analysis) -> str:
    head = ["Q", "question", "n", "facility", "SD", "discrimination index", "discriminative efficiency",
            "upper–lower D", "point-biserial", "omitted", "flags"]
    out = ["<table><tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr>"]
    for i in a.items:
        flags = a.flags(i)
        out.append(f"<tr{' class=flag' if flags else ''}><td>Q{i.number}</td><td>{escape(i.question_id)}</td>"
                   f"<td class=n>{i.n}</td><td class=n>{_num(i.facility)}</td><td class=n>{_num(i.sd)}</td>"
                   f"<td class=n>{_num(i.discrimination_index, 1)}</td>"
                   f"<td class=n>{_num(i.discriminative_efficiency, 1)}</td>"
                   f"<td class=n>{_num(i.upper_lower_d)}</td><td class=n>{_num(i.point_biserial)}</td>"
                   f"<td class=n>{i.omitted}</td><td>{escape('; '.join(flags))}</td></tr>")
    out.append("</table>")
    return "\n".join(out)


def _bars_html(a: Analysis) -> str:
    """Per choice question, one bar per option label (share of students; the right option green).

    Drawn in HTML, not matplotlib: an exam has up to ~40 choice questions and a
    figure each would cost seconds of the report's budget; these bars are text,
    so they can be searched, copied and zoomed.
    """
    keys = sorted({(r.number, r.part) for r in a.distractors})
    if not keys:
        return "<p>No choice questions.</p>"
    out = ["<div class=bars>"]
    for number, part in keys:
        rows = [r for r in a.distractors if r.number == number and r.part == part and
                (r.chosen_by or r.option != BLANK)]
        out.append(f"<figure><figcaption><b>Q{number}{escape(part)}</b> ({escape(rows[0].question_id)})"
                   "</figcaption><table class=opt>")
        for r in rows:
            kind = "right" if r.correct else ("blank" if r.option == BLANK else "wrong")
            mean = "" if r.mean_total_of_choosers is None else f"mean total {r.mean_total_of_choosers:.1f}"
            out.append(f"<tr><td class=lab title=\"{escape(r.option)}\">{escape(_short(r.option))}</td>"
                       f"<td class=bar><span class={kind} style=\"width:{100 * r.share:.1f}%\"></span></td>"
                       f"<td class=n>{100 * r.share:.0f} %</td><td class=n>{r.chosen_by}</td>"
                       f"<td class=n>{mean}</td></tr>")
        out.append("</table></figure>")
    out.append("</div>")
    return "\n".join(out)


def _fairness_html(a: Analysis) -> str:
    if not a.fairness:
        return "<p>No question has variants to compare.</p>"
    unfair = [t for t in a.fairness if t.unfair]
    verdict = "bad" if unfair else "ok"
    out = [(f"<p class={verdict}>{len(unfair)} of {len(a.fairness)} variant groupings differ in difficulty "
            f"(Benjamini–Hochberg q &lt; {FDR} and facilities at least {MIN_GAP} apart).</p>"),
           ("<table><tr><th>Q</th><th>grouping</th><th>facility by group (correct/n)</th><th>test</th><th>p</th>"
            "<th>q</th><th>unfair</th></tr>")]
    for t in a.fairness:
        groups = "; ".join(f"{escape(g.label)}: {fmt(g.facility, 2)} ({g.correct}/{g.n})" for g in t.groups)
        out.append(f"<tr{' class=flag' if t.unfair else ''}><td>Q{t.number}</td><td>{escape(t.grouping)}</td>"
                   f"<td>{groups}</td><td>{t.test}</td><td class=n>{fmt(t.p_value, 4)}</td>"
                   f"<td class=n>{fmt(t.q_value, 4)}</td><td>{'yes' if t.unfair else 'no'}</td></tr>")
    out.append("</table>")
    return "\n".join(out)


def _list_html(rows: list[list[str]], head: list[str], empty: str) -> str:
    if not rows:
        return f"<p>{escape(empty)}</p>"
    return "<table><tr>" + "".join(f"<th>{escape(h)}</th>" for h in head) + "</tr>" + "".join(
        "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in r) + "</tr>" for r in rows) + "</table>"


def render_report(result: ClassGrades, analysis: Analysis | None = None) -> str:
    """The report page as HTML text (UTF-8, self-contained)."""
    a = analysis or analyse(result)
    manual_rows = [[f"Q{n}{lab}", qid, str(marked), str(awaiting)]
                   for (n, lab, qid), (marked, awaiting) in a.table.hand_marked.items()]
    overrides = [[o.rule, o.question, o.student_id or "everyone", o.reason, o.detail] for o in result.overrides]
    problems = [[p.file, str(p.line or ""), p.column or "", p.student_id or "", p.message] for p in result.problems]
    title = escape(result.exam_title)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{title}: grading report</title><style>{_CSS}</style></head><body>
<h1>{title}: grading report</h1>
<p class=sub>{a.summary.n_students} students graded from {escape(Path(result.responses_path).name)}
against {escape(Path(result.manifest_path).name)}.</p>
<div class=top><div>{_summary_html(a, result)}</div>
<div><h2 style="margin-top:0">Questions to look at</h2>{_flags_html(a)}
<img alt="histogram of the scores" src="{histogram(a)}"></div></div>
<h2>Items</h2>
<p>Facility = mean mark / max; SD of the mark / max; discrimination index = 100 × correlation of the item with
the rest of the test; discriminative efficiency = 100 × that covariance / its largest possible value;
upper–lower D = facility in the top 27 % minus the bottom 27 % by total (Kelley); point-biserial = correlation
with the total (Moodle's quiz statistics definitions).</p>
{_items_html(a)}
<img alt="facility against discrimination" src="{scatter(a)}">
<h2>Options chosen</h2>
<p>Options are drawn and shuffled per student; each is named by the mistake it models, over all variants
(columns: share of students, how many, their mean total).</p>
{_bars_html(a)}
<h2>Variant fairness</h2>
{_fairness_html(a)}
<h2>Overrides</h2>
{_list_html(overrides, ["rule", "question", "student", "reason", "detail"], "No regrade rules applied.")}
<h2>Marked by hand</h2>
{_list_html(manual_rows, ["question", "question id", "marked", "awaiting the marker"],
            "No hand-marked questions.")}
<h2>Input problems</h2>
{_list_html(problems, ["file", "line", "column", "student", "problem"], "No problems in the inputs.")}
</body></html>
"""


class ReportHtmlWriter:
    """``report.html``: the page of :func:`render_report`."""

    filename = "report.html"

    def write(self, result: ClassGrades, out: Path) -> list[Path]:
        path = out / self.filename
        path.write_text(render_report(result), encoding="utf-8")
        return [path]

"""TikZ scatter plots of labelled 2-D points for the perceptron templates (a figure body, see ``question``).

``scatter_tikz(points, labels, u=None)`` draws the points on a unit grid (filled discs for label +1, open
circles for label -1, each numbered as in the stem's table) and, when ``u = (a, b, c)`` is given, the unit
vector ``(a/c, b/c)`` as an arrow and the separating line through the origin perpendicular to it (dashed).
``scatter_alt`` describes the same figure in plain text. Coordinates are integers within about ``[-5, 5]``.
"""

from __future__ import annotations


def _half_width(points) -> int:
    return max(3, max(max(abs(int(x)), abs(int(y))) for x, y in points) + 1)


def scatter_tikz(points, labels, u=None) -> str:
    """The body of a tikzpicture: the grid, the axes, the numbered points and, with ``u``, the separator."""
    h = _half_width(points)
    out = [r"\begin{scope}[scale=0.55]",
           rf"\draw[gray!30] ({-h},{-h}) grid ({h},{h});",
           rf"\draw[->] ({-h - 0.3},0) -- ({h + 0.6},0) node[right] {{\(x_1\)}};",
           rf"\draw[->] (0,{-h - 0.3}) -- (0,{h + 0.6}) node[above] {{\(x_2\)}};"]
    if u is not None:
        a, b, c = (int(v) for v in u)
        t = h / max(abs(a), abs(b))
        out.append(rf"\draw[thick, dashed] ({-b * t:.3f},{a * t:.3f}) -- ({b * t:.3f},{-a * t:.3f});")
        out.append(rf"\draw[-{{Stealth[length=7pt]}}, very thick] (0,0) -- ({2 * a / c:.3f},{2 * b / c:.3f});")
        out.append(rf"\node[fill=white, inner sep=1pt] at ({2.7 * a / c:.3f},{2.7 * b / c:.3f}) {{\(u\)}};")
    for i, ((x, y), label) in enumerate(zip(points, labels), start=1):
        style = "fill=black" if label > 0 else "draw=black, fill=white, thick"
        out.append(rf"\node[circle, {style}, inner sep=2pt, label={{[inner sep=1pt]above right:\small {i}}}] "
                   rf"at ({int(x)},{int(y)}) {{}};")
    out.append(rf"\node[anchor=north west, font=\small] at ({-h},{-h - 0.6}) "
               r"{filled: \(y = +1\); open: \(y = -1\)};")
    out.append(r"\end{scope}")
    return "\n".join(out)


def scatter_alt(points, labels, u=None) -> str:
    """Plain-text description of :func:`scatter_tikz`'s figure."""
    listed = "; ".join(f"point {i} at ({int(x)}, {int(y)}) with label {'+1' if y_ > 0 else '-1'}"
                       for i, ((x, y), y_) in enumerate(zip(points, labels), start=1))
    text = f"Scatter plot on a unit grid of {len(points)} numbered points: {listed}."
    if u is not None:
        a, b, c = (int(v) for v in u)
        text += (f" An arrow from the origin shows u = ({a}/{c}, {b}/{c}); a dashed line through the origin, "
                 "perpendicular to u, separates the two labels.")
    return text

"""YOLO (v1-style) output tensor: its size and the "don't care" entries of a training target.

With an ``S x S`` grid, ``B`` boxes per cell (x, y, w, h, confidence) and ``C``
class scores per cell, the output is ``S x S x (5B + C)``. In a cell without
an object only the ``B`` confidences are trained (towards 0); its ``4B`` box
coordinates and ``C`` class scores are not in the loss ("don't care"). With
``m`` cells holding an object (all their values counted as used), the target
has ``(S*S - m)*(4B + C)`` don't-care entries.

Source: Redmon, Divvala, Girshick & Farhadi, "You Only Look Once: Unified,
Real-Time Object Detection" (2016), section 2 (output ``S x S x (B*5 + C)``)
and section 2.2 (the loss: coordinate and class terms only where an object
appears, the no-object confidence term elsewhere).
"""

import numpy as np

from generator.answers import MultiPart, Numerical, Part
from generator.question import Question


class YoloOutput(Question):
    id = "dl/cnn/yolo-output"
    title = "YOLO output size and don't-care entries"
    topic = "cnn"
    tags = ("yolo", "object-detection", "shapes")
    difficulty = "intermediate"
    points = 2.0
    source = "seed paper 004 (Q1c)"
    stem = r"""
A YOLO detector (version 1 layout) divides the image into a \(<<grid>>\times<<grid>>\) grid. Every cell
predicts \(<<boxes>>\) bounding box<% if boxes > 1 %>es<% endif %>, each described by 5 values
(\(x, y, w, h\) and a confidence score), and one set of class scores for \(<<classes>>\) classes
(shared by the cell's boxes). For one training image, exactly \(<<object_cells>>\) grid cell<% if object_cells > 1 %>s
contain<% else %> contains<% endif %> an object. Conventions for the training target: every value of a cell
that contains an object is used by the loss; in a cell with no object only the confidence scores are used
(with target 0), and all its other values are ``don't care'' (they do not enter the loss).
"""
    solution = r"""
\par (a) Each cell holds \(5\cdot<<boxes>> + <<classes>> = <<per_cell>>\) values.
\par (b) The output tensor is \(<<grid>>\times<<grid>>\times<<per_cell>>\), i.e.
\(<<grid>>^2\cdot<<per_cell>> = <<total>>\) values.
\par (c) \(<<grid>>^2 - <<object_cells>> = <<empty>>\) cells have no object. In each, the
\(<<boxes>>\) confidence score<% if boxes > 1 %>s are<% else %> is<% endif %> used, and the
\(4\cdot<<boxes>>\) box coordinates and \(<<classes>>\) class scores are don't care:
\(<<empty>>\cdot(4\cdot<<boxes>> + <<classes>>) = <<empty>>\cdot<<per_empty>> = <<dont_care>>\).
"""

    def draw(self, rng):
        grid = int(rng.choice([5, 7, 7, 9, 11, 13]))
        return {
            "grid": grid,
            "boxes": int(rng.choice([1, 2, 2, 3, 5])),
            "classes": int(rng.choice([3, 10, 20, 20, 80])),
            "object_cells": int(rng.integers(1, 13)),
        }

    def working(self, p):
        s, b, c, m = p["grid"], p["boxes"], p["classes"], p["object_cells"]
        return {
            "per_cell": 5 * b + c,
            "total": s * s * (5 * b + c),
            "empty": s * s - m,
            "per_empty": 4 * b + c,
            "dont_care": (s * s - m) * (4 * b + c),
        }

    def solve(self, p):
        for name in ("grid", "boxes", "classes"):
            if not isinstance(p[name], int) or p[name] < 1:
                raise ValueError(f"{name} must be a positive integer")
        m = p["object_cells"]
        if not isinstance(m, int) or not 0 <= m <= p["grid"] ** 2:
            raise ValueError("object_cells must be between 0 and grid*grid")
        w = self.working(p)
        return MultiPart(
            (
                Part(
                    "a",
                    r"How many values does the network output for one grid cell?",
                    Numerical(w["per_cell"]),
                ),
                Part(
                    "b",
                    r"How many values does the whole output tensor hold?",
                    Numerical(w["total"]),
                ),
                Part(
                    "c",
                    r"How many values of the training target are ``don't care''?",
                    Numerical(w["dont_care"]),
                ),
            )
        )

    def verify(self, p):
        # Independent route: build the target tensor and a boolean mask of the entries the loss uses,
        # with each box laid out as (x, y, w, h, confidence) followed by the class scores.
        s, b, c, m = p["grid"], p["boxes"], p["classes"], p["object_cells"]
        target = np.zeros((s, s, b * 5 + c))
        used = np.zeros(target.shape, dtype=bool)
        has_object = np.zeros(s * s, dtype=bool)
        has_object[:m] = True  # which cells hold objects does not change the counts
        has_object = has_object.reshape(s, s)
        used[has_object] = True
        confidence = np.arange(b) * 5 + 4
        empty_rows, empty_cols = np.nonzero(~has_object)
        used[empty_rows[:, None], empty_cols[:, None], confidence[None, :]] = True
        return [target.shape[-1], target.size, int((~used).sum())]

"""Canvas QTI 1.2 export: the package against the QTI 1.2.1 DTD, items read back, and Canvas's converter.

The DTD is IMS Global's QTI 1.2.1 ASI DTD, ``ims_qtiasiv1p2p1.dtd``, read from the
``schemas/`` folder of the QTIMigrationTool checkout that ``QTI_MIGRATION_TOOL`` names
(we do not ship a copy); without it the DTD test is skipped and the other tests still
read every item back. Canvas adds one element to the DTD, ``selection_extension``
(holding ``points_per_item``) inside ``selection``; the test declares exactly that
extension, as QTIMigrationTool's own DTD does, and nothing else.

``test_canvas_converter`` runs instructure's QTIMigrationTool (what Canvas runs on
every QTI 1.2 package) when ``QTI_MIGRATION_TOOL`` names a checkout of it; see the
README's Canvas section for how to get one.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import defusedxml.ElementTree as SafeET
import pytest
from lxml import etree

from generator.answers import (
    Matrix,
    MultiPart,
    MultipleChoice,
    Numerical,
    ShortText,
    SingleChoice,
    TrueFalse,
)
from generator.writers.qti import QtiPackageWriter

HERE = Path(__file__).parent
TOOL = os.environ.get("QTI_MIGRATION_TOOL")
DTD_FILE = Path(TOOL) / "schemas" / "ims_qtiasiv1p2p1.dtd" if TOOL else None


def _dtd() -> etree.DTD:
    assert DTD_FILE is not None
    text = DTD_FILE.read_text(encoding="utf-8").split("?>", 1)[1]
    text = text.replace("<!ELEMENT selection (sourcebank_ref? , selection_number? , selection_metadata? ,",
                        "<!ELEMENT selection (sourcebank_ref? , selection_number? , selection_metadata? , "
                        "selection_extension? ,")
    text += "\n<!ELEMENT selection_extension (points_per_item?)>\n<!ELEMENT points_per_item (#PCDATA)>\n"
    return etree.DTD(io.StringIO(text))


def _files(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


def _assessment(data: bytes) -> etree._Element:
    files = _files(data)
    name = next(n for n in files if n != "imsmanifest.xml")
    SafeET.fromstring(files[name])
    return etree.fromstring(files[name])


@pytest.fixture(scope="module")
def sample_zip(sample_pool) -> bytes:
    return QtiPackageWriter().render(sample_pool)


@pytest.fixture(scope="module")
def all_types_zip(all_types_pool) -> bytes:
    return QtiPackageWriter().render(all_types_pool)


@pytest.mark.skipif(DTD_FILE is None or not DTD_FILE.exists(),
                    reason="set QTI_MIGRATION_TOOL to a checkout of instructure/QTIMigrationTool (its schemas/ "
                           "holds the QTI 1.2.1 DTD)")
def test_package_is_valid_qti_12(sample_zip, all_types_zip):
    dtd = _dtd()
    for data in (sample_zip, all_types_zip):
        files = _files(data)
        manifest = etree.fromstring(files["imsmanifest.xml"])
        hrefs = [r.get("href") for r in manifest.iter("{*}resource") if r.get("type") == "imsqti_xmlv1p2"]
        assert len(hrefs) == 1 and hrefs[0] in files
        root = _assessment(data)
        assert dtd.validate(root), dtd.error_log.filter_from_errors()[:5]


def test_one_group_per_slot_picking_one(sample_pool, sample_zip):
    root = _assessment(sample_zip)
    groups = root.findall("assessment/section/section")
    assert [g.get("title") for g in groups] == [f"Q{s.number} {s.title}" for s in sample_pool.slots]
    for g, slot in zip(groups, sample_pool.slots):
        assert g.findtext("selection_ordering/selection/selection_number") == "1"
        assert float(g.findtext("selection_ordering/selection/selection_extension/points_per_item")) == \
            slot.variants[0].item.points
        assert len(g.findall("item")) == len(slot.variants)


def _meta(item) -> dict[str, str]:
    return {f.findtext("fieldlabel"): f.findtext("fieldentry") for f in item.iter("qtimetadatafield")}


def test_each_answer_type_read_back(all_types_pool, all_types_zip):
    items = [i for g in _assessment(all_types_zip).iter("section") for i in g.findall("item")]
    variants = [pv for slot in all_types_pool.slots for pv in slot.variants]
    assert len(items) == len(variants)
    expected = {SingleChoice: "multiple_choice_question", MultipleChoice: "multiple_answers_question",
                TrueFalse: "true_false_question", Numerical: "numerical_question",
                ShortText: "short_answer_question", Matrix: "fill_in_multiple_blanks_question",
                MultiPart: "fill_in_multiple_blanks_question"}
    for item, pv in zip(items, variants):
        a = pv.item.variant.answer
        meta = _meta(item)
        assert meta["question_type"] == expected.get(type(a), "essay_question")
        assert float(meta["points_possible"]) == pv.item.points
        labels = [r.get("ident") for r in item.iter("response_label")]
        if isinstance(a, SingleChoice):
            assert meta["original_answer_ids"].split(",") == labels
            right = item.findtext("resprocessing/respcondition/conditionvar/varequal")
            assert labels.index(right) == a.correct_index
        elif isinstance(a, Numerical):
            cond = item.find("resprocessing/respcondition/conditionvar/or")
            assert float(cond.findtext("varequal")) == float(a.value)
            assert float(cond.findtext("and/vargte")) <= float(a.shown()) <= float(cond.findtext("and/varlte"))
            assert item.find("presentation/response_num").get("numtype") == "Decimal"
        elif isinstance(a, MultiPart):
            blanks = re.findall(r"\[(part_\w+)\]", item.findtext("presentation/material/mattext"))
            assert len(blanks) == len(a.parts)
        assert item.findtext("itemfeedback/flow_mat/material/mattext").strip()


def test_same_inputs_same_bytes(sample_pool, sample_zip):
    assert QtiPackageWriter().render(sample_pool) == sample_zip
    with zipfile.ZipFile(io.BytesIO(sample_zip)) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}


@pytest.mark.skipif(not TOOL,
                    reason="set QTI_MIGRATION_TOOL to a checkout of instructure/QTIMigrationTool (README, Canvas)")
def test_canvas_converter(sample_pool, sample_zip, tmp_path):
    tool = Path(TOOL)
    package = tmp_path / "package"
    with zipfile.ZipFile(io.BytesIO(sample_zip)) as z:
        z.extractall(package)
    out = tmp_path / "out"
    run = subprocess.run([sys.executable, "migrate.py", "--ucvars", "--nogui", "--overwrite", f"--cpout={out}",
                          str(package)], cwd=tool, capture_output=True, text=True, check=False, timeout=600)
    log = run.stdout + run.stderr
    assert run.returncode == 0, log[-2000:]
    item_warnings = [line for line in log.splitlines() if "Warning" in line and "FutureWarning" not in line]
    assert item_warnings == []
    converted = sorted((out / "assessmentItems").glob("*.xml"))
    n = sum(len(s.variants) for s in sample_pool.slots)
    assert len(converted) == n
    # Each converted item keeps its correct response: the right choice's id or the numerical range.
    ours = {i.get("ident"): i for i in _assessment(sample_zip).iter("item")}
    for path in converted:
        text = path.read_text(encoding="utf-8")
        ident = re.search(r'identifier="([^"]+)"', text.split("<assessmentItem", 1)[1]).group(1)
        item = ours[ident]
        qtype = _meta(item)["question_type"]
        if qtype in ("multiple_choice_question", "true_false_question"):
            right = item.findtext("resprocessing/respcondition/conditionvar/varequal")
            assert f">{right}<" in text
        elif qtype == "numerical_question":
            value = item.findtext("resprocessing/respcondition/conditionvar/or/varequal")
            assert f'baseType="float" identifier="response1">{value}<' in text and "<gte>" in text
        elif qtype == "fill_in_multiple_blanks_question":
            first = item.find("presentation/response_lid/render_choice/response_label").get("ident")
            assert first in text

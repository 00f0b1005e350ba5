r"""Moodle XML rules, checked the way Moodle's importer reads a file (for tests; no Moodle needed).

Sources: Moodle docs "Moodle XML format" and "Embedded Answers (Cloze) question type".
The cloze reader below is our own scanner of the documented grammar
``{weight:TYPE:alternative~alternative…}``, an alternative being ``=`` or ``%n%``, the
answer, and ``#feedback``; with the behaviour of Moodle 5.0's importer that matters
here: ``\}``, ``\#`` and ``\~`` are literal, a ``#`` right after ``&`` belongs to a
character entity (``&#125;``), and stored answers have entities decoded.
"""

from __future__ import annotations

import html
import itertools
import re
from decimal import Decimal

import defusedxml.ElementTree as SafeET
from lxml import etree

GRADES = (100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20, 16.66667, 14.28571,
          12.5, 11.11111, 10, 5, 0)
PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
#: Cloze field types (long and short names) of Moodle's multianswer question type.
CLOZE_TYPES = ("NUMERICAL", "NM", "MULTICHOICE", "MC", "MULTICHOICE_V", "MCV", "MULTICHOICE_H", "MCH",
               "SHORTANSWER", "SA", "MW", "SHORTANSWER_C", "SAC", "MWC", "MULTICHOICE_S", "MCS",
               "MULTICHOICE_VS", "MCVS", "MULTICHOICE_HS", "MCHS", "MULTIRESPONSE", "MR", "MULTIRESPONSE_H",
               "MRH", "MULTIRESPONSE_S", "MRS", "MULTIRESPONSE_HS", "MRHS")
_FIELD_START = re.compile(r"\{([0-9]*):(" + "|".join(sorted(CLOZE_TYPES, key=len, reverse=True)) + r"):")


def on_list(percent: float) -> bool:
    return any(abs(abs(percent) - g) < 0.001 for g in GRADES)


def moodle_unescape(answer: str) -> str:
    """What Moodle stores for a cloze answer: entities decoded, then ``\\}`` and ``\\#`` unescaped."""
    return html.unescape(answer).replace("\\}", "}").replace("\\#", "#")


def _special(text: str, i: int, chars: str) -> bool:
    """Is ``text[i]`` one of ``chars`` acting as syntax (not after a backslash; a ``#`` not after ``&``)?"""
    if text[i] not in chars or (i and text[i - 1] == "\\"):
        return False
    return not (text[i] == "#" and (text[max(0, i - 1)] == "&" or text[max(0, i - 5):i] == "&amp;"))


def _alternative(raw: str) -> dict:
    """One ``=answer#feedback`` / ``%50%answer`` / ``answer`` alternative of a cloze field."""
    fraction = 0.0
    if raw.startswith("="):
        fraction, raw = 100.0, raw[1:]
    elif raw.startswith("%") and raw.find("%", 1) > 0:
        end = raw.find("%", 1)
        fraction, raw = float(raw[1:end].replace(",", ".")), raw[end + 1:]
    cut = next((i for i in range(len(raw)) if _special(raw, i, "#")), len(raw))
    answer, feedback = raw[:cut], raw[cut + 1:]
    return {"fraction": fraction, "raw": answer, "text": moodle_unescape(answer),
            "feedback": moodle_unescape(feedback)}


def cloze_fields(text: str) -> list[dict]:
    """The fields of a cloze text as Moodle's importer finds them: weight, type, alternatives."""
    fields = []
    pos = 0
    while (m := _FIELD_START.search(text, pos)) is not None:
        i = m.end()
        while i < len(text) and not _special(text, i, "}"):
            i += 1
        if i == len(text):
            break  # an unclosed field is not a field
        body, pos = text[m.end():i], i + 1
        cuts = [-1] + [j for j in range(len(body)) if _special(body, j, "~")] + [len(body)]
        alts = [_alternative(body[a + 1:b]) for a, b in itertools.pairwise(cuts)]
        fields.append({"weight": int(m.group(1) or 1), "type": m.group(2), "alts": alts})
    return fields


def parse(data: bytes) -> etree._Element:
    """Parse safely (defusedxml refuses entities and DTD tricks), then with lxml keeping CDATA."""
    SafeET.fromstring(data)
    return etree.fromstring(data, etree.XMLParser(strip_cdata=False, resolve_entities=False, no_network=True))


def check(data: bytes) -> list[str]:
    """Every rule broken by a Moodle XML file, as messages (empty when the file is good)."""
    problems: list[str] = []
    root = parse(data)
    if root.tag != "quiz":
        return ["root element is not <quiz>"]
    if not data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>"):
        problems.append("no UTF-8 XML declaration")
    seen: set[str] = set()
    for q in root.iter("question"):
        qtype = q.get("type")
        if qtype == "category":
            if not (q.findtext("category/text") or "").startswith("$course$/top/"):
                problems.append("category path does not start with $course$/top/")
            continue
        name = q.findtext("name/text") or ""
        where = f"{name} [{qtype}]"
        idn = q.findtext("idnumber") or ""
        if not idn or idn in seen or len(idn) > 100:
            problems.append(f"{where}: idnumber {idn!r} missing, repeated or too long")
        seen.add(idn)
        for tag in ("questiontext", "generalfeedback", "defaultgrade", "penalty"):
            if q.find(tag) is None:
                problems.append(f"{where}: no <{tag}>")
        if q.findtext("penalty") != "0":
            problems.append(f"{where}: penalty is not 0")
        for el in q.iter():
            if el.get("format") == "html":
                t = el.find("text")
                raw = etree.tostring(t, encoding="unicode") if t is not None else ""
                if t is not None and t.text and "<" in t.text and "<![CDATA[" not in raw:
                    problems.append(f"{where}: HTML in <{el.tag}> not in CDATA")
                refs = set(re.findall(r"@@PLUGINFILE@@/([^\"'<>\s&]+)", t.text or "")) if t is not None else set()
                files = {f.get("name") for f in el.findall("file") if f.get("encoding") == "base64" and f.text}
                if refs - files:
                    problems.append(f"{where}: <{el.tag}> refers to {sorted(refs - files)} without a <file>")
        answers = q.findall("answer")
        fractions = []
        for a in answers:
            try:
                fractions.append(float(a.get("fraction")))
            except (TypeError, ValueError):
                problems.append(f"{where}: fraction {a.get('fraction')!r} is not a number")
        if any(not on_list(f) for f in fractions):
            problems.append(f"{where}: fractions {fractions} not all on Moodle's list")
        if qtype == "multichoice":
            single = q.findtext("single")
            if len(answers) < 2:
                problems.append(f"{where}: fewer than 2 choices")
            if single == "true" and fractions.count(100.0) != 1:
                problems.append(f"{where}: single choice without exactly one 100% answer")
            if single == "false":
                total = sum(Decimal(a.get("fraction")) for a in answers if float(a.get("fraction")) > 0)
                if total != 100:
                    problems.append(f"{where}: positive fractions add up to {total}, not 100")
        elif qtype == "truefalse":
            texts = sorted(a.findtext("text") for a in answers)
            if texts != ["false", "true"] or sorted(fractions) != [0.0, 100.0]:
                problems.append(f"{where}: true/false answers {texts} {fractions}")
        elif qtype == "numerical":
            for a in answers:
                if not PLAIN_NUMBER.match(a.findtext("text") or "") or not PLAIN_NUMBER.match(
                        a.findtext("tolerance") or ""):
                    problems.append(f"{where}: number {a.findtext('text')!r} ± {a.findtext('tolerance')!r}")
            if 100.0 not in fractions:
                problems.append(f"{where}: no 100% answer")
        elif qtype == "shortanswer":
            if 100.0 not in fractions or q.findtext("usecase") not in ("0", "1"):
                problems.append(f"{where}: no 100% answer or no usecase")
        elif qtype == "essay":
            if not (q.findtext("graderinfo/text") or "").strip():
                problems.append(f"{where}: no model answer in graderinfo")
        elif qtype == "multianswer":
            text = q.findtext("questiontext/text") or ""
            fields = cloze_fields(text)
            if not fields or len(fields) != len(re.findall(r"\{[0-9]*:[A-Z_]+:", text)):
                problems.append(f"{where}: cloze fields do not all parse")
            for i, f in enumerate(fields, 1):
                fr = [a["fraction"] for a in f["alts"]]
                if f["type"] in ("NUMERICAL", "NM"):
                    for a in f["alts"]:
                        value, _, tol = a["raw"].partition(":")
                        if not PLAIN_NUMBER.match(value) or not PLAIN_NUMBER.match(tol):
                            problems.append(f"{where}: field {i}: number {a['raw']!r}")
                if f["type"].startswith("MULTIRESPONSE"):
                    if sum(Decimal(str(x)) for x in fr if x > 0) != 100:
                        problems.append(f"{where}: field {i}: positive fractions do not add up to 100")
                elif 100.0 not in fr:
                    problems.append(f"{where}: field {i}: no 100% answer")
                if any(not on_list(x) for x in fr):
                    problems.append(f"{where}: field {i}: fractions {fr} not on the list")
        else:
            problems.append(f"{where}: unexpected type")
    return problems

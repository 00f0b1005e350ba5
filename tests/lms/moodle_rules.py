"""Moodle XML rules, checked the way Moodle's importer reads a file (for tests; no Moodle needed).

Sources: Moodle docs "Moodle XML format" and "Embedded Answers (Cloze) question type";
``question/format/xml/format.php`` and ``question/type/multianswer/questiontype.php`` of
Moodle 5.0 (the cloze regular expressions below are ported from there).
"""

from __future__ import annotations

import html
import re
from decimal import Decimal

import defusedxml.ElementTree as SafeET
from lxml import etree

GRADES = (100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20, 16.66667, 14.28571,
          12.5, 11.11111, 10, 5, 0)
NUMBER = r"-?(([0-9]+[.,]?[0-9]*|[.,][0-9]+)([eE][-+]?[0-9]+)?)"
PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
# question/type/multianswer/questiontype.php, ANSWER_ALTERNATIVE_REGEX and ANSWER_REGEX.
ALT = r"(=|%(-?[0-9]+(?:[.,][0-9]*)?)%)?(.+?(?<!\\)(?<!&)(?<!&amp;)(?=[~#}]|$))(#(.*?(?<!\\)(?=[~}]|$)))?"
TYPES = (r"(NUMERICAL|NM)|(MULTICHOICE|MC)|(MULTICHOICE_V|MCV)|(MULTICHOICE_H|MCH)|(SHORTANSWER|SA|MW)|"
         r"(SHORTANSWER_C|SAC|MWC)|(MULTICHOICE_S|MCS)|(MULTICHOICE_VS|MCVS)|(MULTICHOICE_HS|MCHS)|"
         r"(MULTIRESPONSE|MR)|(MULTIRESPONSE_H|MRH)|(MULTIRESPONSE_S|MRS)|(MULTIRESPONSE_HS|MRHS)")
FIELD = re.compile(r"\{([0-9]*):(" + TYPES + r"):(" + ALT + r"(~" + ALT + r")*)\}", re.DOTALL)


def on_list(percent: float) -> bool:
    return any(abs(abs(percent) - g) < 0.001 for g in GRADES)


def moodle_unescape(answer: str) -> str:
    """What Moodle stores for a cloze answer: entities decoded, then ``\\}`` and ``\\#`` unescaped."""
    return html.unescape(answer).replace("\\}", "}").replace("\\#", "#")


def cloze_fields(text: str) -> list[dict]:
    """The fields of a cloze text as Moodle's importer finds them: weight, type, alternatives."""
    fields = []
    for m in FIELD.finditer(text):
        alts = []
        rest = m.group(16)
        while True:
            a = re.match(r"~?" + ALT, rest, re.DOTALL)
            if not a or not rest:
                break
            fraction = 100.0 if a.group(1) == "=" else float(a.group(2).replace(",", ".")) if a.group(2) else 0.0
            alts.append({"fraction": fraction, "raw": a.group(3), "text": moodle_unescape(a.group(3)),
                         "feedback": moodle_unescape(a.group(5) or "")})
            rest = rest[len(a.group(0)):]
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

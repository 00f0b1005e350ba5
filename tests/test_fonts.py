"""Names in many scripts: coverage read from the installed fonts, escaping, and papers that print every glyph."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from generator import fonts
from generator.cli import main
from generator.errors import RosterError
from generator.roster import load_roster
from generator.texenv import escape_tex, untypesettable

TEMPLATE = Path(__file__).resolve().parent.parent / "templates" / "exam.tex.j2"

#: One student per supported script: (student id, name, what must be installed).
NAMES = [
    ("LAT1", "Ñúñez Zoë", "T1"),
    ("LAT2", "Łukasz Ő", "T1"),
    ("ZHS", "张伟 李雷", "gbsn"),
    ("ZHT", "陳大文", "bsmi"),
    ("JAK", "さくら タナカ", "min"),
    ("JAH", "山田太郎", "gbsn"),
    ("KOR", "김민준", "nanummj"),
    ("CYR", "Иван Петров", "T2A"),
    ("CYR2", "Ёлка", "T2A"),
    ("GRC", "Γιώργος Παπαδόπουλος", "LGR"),
]


def _installed(what: str) -> bool:
    if what in ("T1", "T2A", "LGR"):
        return bool(fonts.encoding_coverage(what))
    return any(f.name == what for f in fonts.cjk_families())


def _require(*what: str) -> None:
    missing = [w for w in what if not _installed(w)]
    if missing:
        pytest.skip(f"fonts not installed: {', '.join(missing)} (make tex installs them)")


def _han_no_font_has() -> str:
    for o in range(0x4E00, 0xA000):
        if not any(f.covers(chr(o)) for f in fonts.cjk_families()):
            return chr(o)
    pytest.skip("every BMP Han character is in some installed font")


# --- (a) coverage ---------------------------------------------------------------------------


@pytest.mark.parametrize("sid, name, what", NAMES)
def test_supported_scripts_are_typesettable(sid, name, what):
    _require(what)
    assert untypesettable(name) == []


@pytest.mark.parametrize("text", ["\U0001F600", "محمد", "देवनागरी", "Ħamrun", "ħ", "Ŀ", "ſ", "\u2017", "\u201b",
                                  "\U00020000", "a\tb", "x\x07"])
def test_unsupported_characters_are_reported(text):
    bad = untypesettable(text)
    assert bad and all(not c.isascii() or not c.isprintable() for c in bad)
    assert set(bad) == {c for c in text if not (c.isascii() and c.isprintable())}


def test_latin_coverage_matches_the_experiment():
    """Latin-1, Latin Extended-A and the dashes/quotes: exactly the characters found untypesettable
    by typesetting them one by one (Ħ ħ ĸ Ŀ ŀ ŉ Ŧ ŧ ſ ‗ ‛) are refused."""
    _require("T1")
    block = [chr(o) for o in [*range(0xA0, 0x180), *range(0x2010, 0x201F)]]
    assert set(untypesettable("".join(block))) == set("ĦħĸĿŀŉŦŧſ‗‛")


def test_a_han_character_no_font_has_is_reported():
    _require("gbsn")
    c = _han_no_font_has()
    assert untypesettable(f"李{c}") == [c]


def test_greek_symbols_lgr_only_offers_in_math_are_refused():
    _require("LGR")
    assert untypesettable("ϑϕ") == ["ϑ", "ϕ"]  # greek-fontenc: "not available in text mode"


def test_tfm_reader(tmp_path):
    _require("gbsn")
    gbsn = next(f for f in fonts.cjk_families() if f.name == "gbsn")
    chars = fonts.tfm_characters(gbsn.subfonts[0x67])
    assert 0x4E in chars  # 李 U+674E
    bad = tmp_path / "bad.tfm"
    bad.write_bytes(b"\x00\x10" + b"\xff" * 30)
    assert fonts.tfm_characters(bad) == frozenset()
    assert fonts.tfm_characters(tmp_path / "absent.tfm") == frozenset()


def test_unicode_declarations_parser():
    tex = "\\DeclareUnicodeCharacter{00E9}{\\'e}\n\\DeclareUnicodeCharacter{0418}{\\CYRI}\n"
    assert fonts.unicode_declarations(tex) == {0xE9: "\\'e", 0x418: "\\CYRI"}


def test_a_large_roster_works_out_each_character_once():
    """3,000 names: each distinct character's coverage is worked out once (``fonts.drawable`` is cached)
    and every other occurrence is a cache hit, so a large roster is checked quickly. (This replaced a timed
    test that failed on a loaded machine; speed is measured in bench/, not asserted in tests.)"""
    fonts.drawable.cache_clear()
    names = [f"Student {i} Ñúñez 李雷 Иван Γιώργος 김민준 さくら" for i in range(3000)]
    for n in names:
        untypesettable(n)
    info = fonts.drawable.cache_info()
    assert info.misses == len(set("".join(names)))
    assert info.hits + info.misses == sum(len(n) for n in names)


@pytest.fixture
def no_tex(monkeypatch):
    caches = (fonts._files, fonts.encoding_coverage, fonts.cjk_families, fonts.drawable)
    for c in caches:
        c.cache_clear()
    monkeypatch.setattr(fonts.shutil, "which", lambda name: None)
    yield
    monkeypatch.undo()
    for c in caches:
        c.cache_clear()


def test_without_tex_only_ascii_is_typesettable(no_tex):
    assert untypesettable("Ana O'Brien") == []
    assert untypesettable("Zoë 李") == ["ë", "李"]


# --- escaping ------------------------------------------------------------------------------


def test_escape_tex_switches_fonts_per_run():
    _require("T2A", "LGR", "gbsn", "bsmi", "min", "nanummj")
    assert escape_tex("Иван Петров") == r"{\fontencoding{T2A}\fontfamily{ftm}\selectfont Иван Петров}"
    assert escape_tex("Γιώργος") == r"{\fontencoding{LGR}\selectfont Γιώργος}"
    assert escape_tex("李雷 & 陳") == (r"\begin{CJK}{UTF8}{gbsn}李雷\end{CJK} \& "
                                      r"\begin{CJK}{UTF8}{bsmi}陳\end{CJK}")
    assert escape_tex("さくら") == r"\begin{CJK}{UTF8}{min}さくら\end{CJK}"
    assert escape_tex("김민준") == r"\begin{CJK}{UTF8}{nanummj}김민준\end{CJK}"
    assert escape_tex("Ñúñez_1") == r"Ñúñez\_1"


def test_escape_tex_splits_a_run_no_single_family_covers():
    _require("gbsn", "bsmi")
    gbsn, bsmi = (next(f for f in fonts.cjk_families() if f.name == n) for n in ("gbsn", "bsmi"))
    assert gbsn.covers("这") and not bsmi.covers("这") and bsmi.covers("陳") and not gbsn.covers("陳")
    assert escape_tex("这陳") == r"\begin{CJK}{UTF8}{gbsn}这\end{CJK}\begin{CJK}{UTF8}{bsmi}陳\end{CJK}"


# --- (b) end to end: every name printed, nothing lost ----------------------------------------


def test_template_makes_a_lost_glyph_an_error():
    preamble = TEMPLATE.read_text(encoding="utf-8").split(r"\documentclass", 1)[1].split(r"\usepackage{amsmath", 1)[0]
    assert r"\tracinglostchars=3" in preamble


def test_lost_glyph_stops_pdflatex(tmp_path):
    """The backstop: a character the font lacks is an error (not a blank) with the template's preamble."""
    _require("gbsn")
    if not shutil.which("pdflatex"):
        pytest.skip("pdflatex not installed")
    c = _han_no_font_has()
    preamble = TEMPLATE.read_text(encoding="utf-8").split(r"\usepackage{amsmath", 1)[0].split("#>", 1)[1]
    (tmp_path / "t.tex").write_text(preamble + "\\begin{document}\n\\begin{CJK}{UTF8}{gbsn}" + c
                                    + "\\end{CJK}\n\\end{document}\n", encoding="utf-8")
    proc = subprocess.run(["pdflatex", "-interaction=batchmode", "-halt-on-error", "t.tex"], cwd=tmp_path,
                          capture_output=True, check=False, stdin=subprocess.DEVNULL)
    log = (tmp_path / "t.log").read_text(encoding="utf-8", errors="replace")
    assert proc.returncode != 0 and "Missing character" in log


def test_papers_print_every_name(tmp_path):
    _require(*{w for _, _, w in NAMES})
    if not shutil.which("pdflatex"):
        pytest.skip("pdflatex not installed")
    spec = tmp_path / "s.yaml"
    spec.write_text("seed: 7\nheader:\n  exam_title: Quiz Ελληνικά Русский 考试\nsections:\n  - title: A\n"
                    "    questions:\n      - id: dl/cnn/conv-params\n", encoding="utf-8")
    roster = tmp_path / "r.csv"
    roster.write_text("student_id,name\n" + "".join(f"{sid},{name}\n" for sid, name, _ in NAMES), encoding="utf-8")
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["build", str(spec), "--roster", str(roster), "--out", str(out)],
                           catch_exceptions=False)
    # The template sets \tracinglostchars=3: a glyph missing from its font would have failed the build.
    assert r.exit_code == 0, r.output
    for sid, name, _ in NAMES:
        for kind in ("papers", "keys"):
            reader = PdfReader(out / kind / f"{sid}.pdf")
            text = "".join(p.extract_text() for p in reader.pages)
            # Every font's glyphs map back to Unicode (CJKutf8 adds ToUnicode CMaps; T1, T2A
            # and LGR fonts have standard glyph names), so the name reads back. pypdf infers
            # spaces from gaps; between the Wadalab (Japanese) glyphs it misses the 3.3 pt
            # interword space that is typeset, so CJK names are compared without spaces.
            if fonts.script(name[0]) == "cjk":
                assert name.replace(" ", "") in text.replace(" ", ""), (sid, kind, text[:300])
            else:
                assert name in text, (sid, kind, text[:300])
            assert "Quiz Ελληνικά Русский 考试" in text
    for log in out.rglob("*.log"):
        assert "Missing character" not in log.read_text(encoding="utf-8", errors="replace")


# --- (c) the roster refuses what cannot be printed -------------------------------------------


def test_roster_refuses_uncovered_names_by_line(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("student_id,name\nS1,Иван\nS2,محمد\nS3,Ħamrun\nS4,Ana \U0001F600\n", encoding="utf-8")
    with pytest.raises(RosterError) as err:
        load_roster(path)
    msg = err.value.message
    assert "line 2" not in msg
    assert "line 3: name 'محمد' has characters the papers cannot typeset: " in msg and "م (U+0645)" in msg
    assert "line 4: name 'Ħamrun' has characters the papers cannot typeset: Ħ (U+0126)" in msg
    assert "line 5: name 'Ana \U0001F600' has characters the papers cannot typeset: \U0001F600 (U+1F600)" in msg
    assert "supported are Latin letters (with accents), Cyrillic, Greek, and the Chinese" in msg


def test_roster_accepts_every_supported_script(tmp_path):
    _require(*{w for _, _, w in NAMES})
    path = tmp_path / "r.csv"
    path.write_text("student_id,name\n" + "".join(f"{sid},{name}\n" for sid, name, _ in NAMES), encoding="utf-8")
    assert [s.name for s in load_roster(path).students] == [name for _, name, _ in NAMES]

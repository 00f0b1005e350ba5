"""csvfile.csv_line: every CSV record variantex writes, quoted as the csv module quotes them, and read back whole.

A student's response, a name or a rule's reason may hold any character; the
fast path (fields joined by commas) must never be taken for a field that
needs quotes, and every record must read back to the same fields. That
includes a bare carriage return, which ``csv.writer(lineterminator="\\n")``
leaves unquoted (its record then reads back broken).
"""

from __future__ import annotations

import csv
import io
import itertools
import random

import pytest

from generator.csvfile import csv_line, write_csv


def _csv_module(fields: list[str]) -> str:
    """The record as the csv module writes it with CRLF line ends (it then quotes a field with a carriage
    return too), ended by a line feed instead."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(fields)
    return buffer.getvalue().removesuffix("\r\n") + "\n"


def test_the_csv_module_with_line_feeds_breaks_a_carriage_return() -> None:
    """Why csv_line does not simply call csv.writer(lineterminator="\\n"): this record does not read back."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(["a\rb", "c"])
    assert next(csv.reader(io.StringIO(buffer.getvalue(), newline=""))) != ["a\rb", "c"]
    assert csv_line(["a\rb", "c"]) == '"a\rb",c\n'


@pytest.mark.parametrize("fields", [
    ["S1", "P-001", "3", "", "dl/cnn/output-size", "numerical", "27", "27", "1", "1", "correct", ""],
    ["S1", "Ng, Andrew", "x"],            # a comma: quoted
    ['say "hi"', "b"],                    # a double quote: quoted and doubled
    ["two\nlines", "b"],                  # a line feed: quoted
    ["carriage\rreturn", "b"],            # a carriage return alone: quoted
    ["\r\n", ""],
    [""],                                 # a lone empty field: the csv module writes ""
    ["", ""],
    ["", "", ""],
    [" padded ", "\t"],
    ["Zoë Müller", "学生", "\u2212 3.5", "\x00"],
    [",", ",", ","],
    ['"', '""'],
    ["a"],
])
def test_same_as_the_csv_module(fields: list[str]) -> None:
    line = csv_line(fields)
    assert line == _csv_module(fields)
    assert next(csv.reader(io.StringIO(line, newline=""))) == fields


def test_random_fields_of_special_characters() -> None:
    """Every record of up to 4 fields drawn from characters the csv module treats specially (and some it does
    not) is written as it writes it, and reads back to its fields."""
    rng = random.Random(8)
    alphabet = [",", '"', "\n", "\r", " ", "a", "é", ";", "'", "\t", "\x00", "\u2028"]
    for _ in range(5000):
        fields = ["".join(rng.choices(alphabet, k=rng.randint(0, 4))) for _ in range(rng.randint(1, 4))]
        line = csv_line(fields)
        assert line == _csv_module(fields), fields
        assert next(csv.reader(io.StringIO(line, newline=""))) == fields, fields


def test_every_pair_of_specials() -> None:
    specials = [",", '"', "\n", "\r", "", "x"]
    for a, b in itertools.product(specials, repeat=2):
        for fields in ([a + b], [a, b], [a, "", b]):
            line = csv_line(fields)
            assert line == _csv_module(fields), fields
            assert next(csv.reader(io.StringIO(line, newline=""))) == fields, fields


def test_plain_fields_are_joined() -> None:
    """The fast path: no quotes at all when no field needs them (what nearly every gradebook row is)."""
    assert csv_line(["S7", "P-0007", "6", "b", "dl/rnn/bptt", "matrix", "[1 2; 3 4]", "[1 2; 3 4]", "0.5", "1",
                     "partial", ""]) == "S7,P-0007,6,b,dl/rnn/bptt,matrix,[1 2; 3 4],[1 2; 3 4],0.5,1,partial,\n"


@pytest.mark.parametrize("fields", [
    ["S1", 3, 17808361113270090115, 0.1, 1e-7, None, True, ""],   # an answer key's number and seed, a float
    [None],
    [1, "a,b", None, 2.5],
    ["x\r", 7],
])
def test_fields_that_are_not_text_are_written_as_the_csv_module_writes_them(fields):
    assert csv_line(fields) == _csv_module(fields)


def test_write_csv_reads_back(tmp_path):
    rows = [["S1", "Ng, Andrew", 3, None], ["S2", 'say "hi"', 4, "two\nlines"], ["S3", "carriage\rreturn", 5, ""]]
    path = write_csv(tmp_path / "x.csv", ["student_id", "name", "number", "note"], rows)
    with path.open(encoding="utf-8", newline="") as fh:
        assert list(csv.reader(fh)) == [["student_id", "name", "number", "note"],
                                        *[[str(c) if c is not None else "" for c in r] for r in rows]]

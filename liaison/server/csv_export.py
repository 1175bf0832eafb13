"""Every CSV the server emits: one writer, and no cell a spreadsheet would run as a formula.

OWASP's CSV-injection rule: a text cell opening with =, +, -, @, a tab or a
carriage return is prefixed with a single quote, so spreadsheet software shows
it as text instead of evaluating it. Free text from the field (product names,
verbatim insights, justifications) goes through here like every other cell.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A header row, then the rows; None is an empty cell.

    Lines end in CRLF (RFC 4180): the writer then quotes any cell holding a
    carriage return, which a bare LF ending would let through unquoted and lose.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(name) for name in header])
    writer.writerows([["" if value is None else safe_cell(value) for value in row] for row in rows])
    return buffer.getvalue()

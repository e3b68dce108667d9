"""Match an exhibitor list (CSV or a spreadsheet) to a venue's booths by booth number.

The list's columns are found by their headers in English or Chinese (booth number,
company name in English and Chinese, country, zone, products, website), or named with
``columns``. CSV is read as UTF-8, UTF-8 with a byte-order mark or GB18030 (what Excel
writes on a Chinese Windows), whichever decodes; XLSX, XLS and ODS with python-calamine.

Every row is matched to a booth or reported: an unknown booth number, two companies on
one booth (the later row is rejected), a company on two booths (allowed, noted).
:func:`import_exhibitors` applies the rows that match and says whether every row did; the
caller decides whether a partial list may be kept.

>>> parse_columns("booth=Stand No, exhibitor_zh=公司")
{'booth': 'Stand No', 'exhibitor_zh': '公司'}
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from floorplan.errors import ExhibitorListError, OptionError
from floorplan.schema import Col, Zone, parse_option

if TYPE_CHECKING:
    from floorplan.venue import Venue

__all__ = [
    "ExhibitorImport",
    "ExhibitorReport",
    "Field",
    "IssueKind",
    "RowIssue",
    "import_exhibitors",
    "parse_columns",
    "read_exhibitor_list",
]

SPREADSHEET_SUFFIXES: Final = (".xlsx", ".xlsm", ".xls", ".ods")
#: How many rows above the header a list may have (a title, a date) before it is missed.
_HEADER_SEARCH: Final = 10


class Field(StrEnum):
    """What a column of an exhibitor list holds."""

    BOOTH = "booth"
    EXHIBITOR = "exhibitor"
    EXHIBITOR_ZH = "exhibitor_zh"
    COUNTRY = "country"
    ZONE = "zone"
    PRODUCTS = "products"
    WEBSITE = "website"


#: The booth property each field sets.
_PROPERTY: Final = {
    Field.EXHIBITOR: Col.EXHIBITOR,
    Field.EXHIBITOR_ZH: Col.EXHIBITOR_ZH,
    Field.COUNTRY: Col.COUNTRY,
    Field.ZONE: Col.ZONE,
    Field.PRODUCTS: Col.PRODUCTS,
    Field.WEBSITE: Col.WEBSITE,
}
#: Header names of each field (compared without case, spaces or punctuation), in the
#: order fields claim columns: a Chinese company name before an English one.
_HEADERS: Final[dict[Field, tuple[str, ...]]] = {
    Field.BOOTH: (
        "booth",
        "boothno",
        "boothnumber",
        "stand",
        "standno",
        "standnumber",
        "展位号",
        "展位",
        "展台号",
        "摊位号",
    ),
    Field.EXHIBITOR_ZH: (
        "exhibitorzh",
        "companyzh",
        "chinesename",
        "namezh",
        "公司中文名称",
        "中文公司名称",
        "公司名称中文",
        "公司名称",
        "中文名称",
        "展商名称",
        "参展商",
        "企业名称",
        "公司",
    ),
    Field.EXHIBITOR: (
        "exhibitor",
        "company",
        "companyname",
        "exhibitorname",
        "companyen",
        "englishname",
        "nameen",
        "name",
        "公司英文名称",
        "英文公司名称",
        "公司名称英文",
        "英文名称",
        "英文名",
    ),
    Field.COUNTRY: ("country", "countryregion", "国家地区", "国家", "地区"),
    Field.ZONE: ("zone", "sector", "chain", "展区", "产业链", "链"),
    Field.PRODUCTS: ("products", "product", "exhibits", "展品", "产品", "主营产品"),
    Field.WEBSITE: ("website", "web", "url", "homepage", "网址", "官网", "网站"),
}
_ZONE_WORDS: Final = {
    "汽车": Zone.AUTOMOBILE,
    "智能汽车链": Zone.AUTOMOBILE,
    "农业": Zone.AGRICULTURE,
    "绿色农业链": Zone.AGRICULTURE,
    "能源": Zone.ENERGY,
    "清洁能源链": Zone.ENERGY,
    "数字": Zone.DIGITAL,
    "数字科技链": Zone.DIGITAL,
    "健康": Zone.HEALTH,
    "健康生活链": Zone.HEALTH,
    "服务": Zone.SERVICES,
    "供应链服务": Zone.SERVICES,
}
_NOT_WORD: Final = re.compile(r"[\W_]+")
_LIST_SPLIT: Final = re.compile(r"\s*[;；、,，]\s*")
_BOOTH_SPLIT: Final = re.compile(r"\s*[;；、,，/]\s*")


class IssueKind(StrEnum):
    """What is wrong, or worth knowing, about a row of the list."""

    UNKNOWN_BOOTH = "unknown_booth"
    NO_BOOTH = "no_booth"
    BOOTH_TAKEN = "booth_taken"
    BAD_ZONE = "bad_zone"
    MANY_BOOTHS = "many_booths"


@dataclass(frozen=True)
class RowIssue:
    """One row's issue: its number in the file (the header is row 1), the booth, the why."""

    row: int
    booth: str
    kind: IssueKind
    message: str

    def to_dict(self) -> dict[str, object]:
        """Return the record as JSON has it."""
        return {
            "row": self.row,
            "booth": self.booth,
            "kind": self.kind.value,
            "message": self.message,
        }

    def __str__(self) -> str:
        return f"row {self.row}: {self.message}"


@dataclass(frozen=True)
class ExhibitorReport:
    """What an exhibitor import read, matched, rejected and noted."""

    source: str
    read_as: str
    columns: dict[str, str]
    rows: int
    matched: int
    booths_filled: int
    rejected: tuple[RowIssue, ...] = ()
    noted: tuple[RowIssue, ...] = ()

    @property
    def complete(self) -> bool:
        """Whether every row was matched to a booth."""
        return not self.rejected

    def to_dict(self) -> dict[str, object]:
        """Return the report as JSON has it."""
        return {
            "source": self.source,
            "read_as": self.read_as,
            "columns": dict(self.columns),
            "rows": self.rows,
            "matched": self.matched,
            "booths_filled": self.booths_filled,
            "complete": self.complete,
            "rejected": [r.to_dict() for r in self.rejected],
            "noted": [r.to_dict() for r in self.noted],
        }

    def to_text(self) -> str:
        """Return the report as lines for a terminal or a page."""
        cols = ", ".join(f"{k} ← {v!r}" for k, v in self.columns.items())
        out = [
            f"{self.source} ({self.read_as}): {self.rows} rows; columns {cols}",
            f"matched {self.matched} rows to {self.booths_filled} booths; "
            f"rejected {len(self.rejected)}",
        ]
        out += [f"  rejected {r}" for r in self.rejected]
        out += [f"  note: {r}" for r in self.noted]
        return "\n".join(out)


@dataclass(frozen=True)
class ExhibitorImport:
    """The venue with every matched row applied, and the report."""

    venue: Venue
    report: ExhibitorReport

    @property
    def complete(self) -> bool:
        """Whether every row was matched (nothing rejected)."""
        return self.report.complete


def parse_columns(text: str) -> dict[str, str]:
    """Parse ``field=Header,...`` naming the list's columns; refuse unknown fields."""
    out: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, sep, header = part.partition("=")
        if not sep or not header.strip():
            msg = f"--columns {part!r} must be FIELD=HEADER"
            raise OptionError(msg)
        out[parse_option(Field, key.strip(), what="column field").value] = header.strip()
    return out


def _norm(text: object) -> str:
    return _NOT_WORD.sub("", str(text)).lower()


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _decode(data: bytes, label: str) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "UTF-8 with BOM"
    for encoding, name in (("utf-8", "UTF-8"), ("gb18030", "GB18030")):
        try:
            return data.decode(encoding), name
        except UnicodeDecodeError:
            continue
    msg = f"{label}: the text is neither UTF-8 nor GB18030; save it as CSV UTF-8"
    raise ExhibitorListError(msg)


def read_exhibitor_list(
    source: str | Path | bytes, *, name: str | None = None, sheet: str | None = None
) -> tuple[list[list[str]], str]:
    """Return the list's rows as text cells and how it was read (encoding or sheet).

    Raises
    ------
    ExhibitorListError
        When the file cannot be read, decoded or parsed, or the sheet does not exist.
    """
    label = name or (str(source) if not isinstance(source, bytes) else "list.csv")
    try:
        data = source if isinstance(source, bytes) else Path(source).read_bytes()
    except OSError as exc:
        msg = f"{label}: cannot be read: {exc.strerror or exc}"
        raise ExhibitorListError(msg) from None
    if Path(label).suffix.lower() in SPREADSHEET_SUFFIXES:
        return _read_sheet(data, label, sheet)
    text, encoding = _decode(data, label)
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], ",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = [[c.strip() for c in row] for row in csv.reader(io.StringIO(text), dialect)]
    return rows, encoding


def _read_sheet(data: bytes, label: str, sheet: str | None) -> tuple[list[list[str]], str]:
    from python_calamine import CalamineWorkbook  # noqa: PLC0415

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = book.sheet_names
        if sheet is not None and sheet not in names:
            msg = f"{label}: no sheet {sheet!r}; sheets: {', '.join(names)}"
            raise ExhibitorListError(msg)
        chosen = sheet or names[0]
        rows = book.get_sheet_by_name(chosen).to_python()
    except ExhibitorListError:
        raise
    except Exception as exc:  # calamine raises its own errors and IndexError/ValueError
        msg = f"{label}: not a readable spreadsheet ({exc})"
        raise ExhibitorListError(msg) from None
    return [[_cell(c) for c in row] for row in rows], f"sheet {chosen!r}"


def _columns(
    rows: list[list[str]], given: dict[str, str], label: str
) -> tuple[int, dict[Field, int]]:
    """Find the header row and which column holds each field."""
    for at, row in enumerate(rows[:_HEADER_SEARCH]):
        headers = [_norm(h) for h in row]
        found = _match(headers, {Field(k): _norm(v) for k, v in given.items()})
        if Field.BOOTH in found:
            missing = [k for k in given if Field(k) not in found]
            if missing:
                msg = f"{label}: no column {given[missing[0]]!r} (for {missing[0]})"
                raise ExhibitorListError(msg)
            return at, found
    wanted = given.get("booth") or "a booth number (booth, stand, 展位号, …)"
    msg = (
        f"{label}: no column of {wanted} in the first {_HEADER_SEARCH} rows; name it with "
        "--columns booth=HEADER"
    )
    raise ExhibitorListError(msg)


def _match(headers: list[str], given: dict[Field, str]) -> dict[Field, int]:
    found: dict[Field, int] = {}
    for fld, header in given.items():
        if header in headers:
            found[fld] = headers.index(header)
    claimed = set(found.values())
    for exact in (True, False):
        for fld, names in _HEADERS.items():
            if fld in found or fld in given:
                continue
            for col, header in enumerate(headers):
                if col in claimed or not header:
                    continue
                if any(header == n if exact else n in header for n in names):
                    found[fld] = col
                    claimed.add(col)
                    break
    return found


def import_exhibitors(
    source: str | Path | bytes,
    venue: Venue,
    *,
    columns: dict[str, str] | None = None,
    name: str | None = None,
    sheet: str | None = None,
) -> ExhibitorImport:
    """Match the list's rows to ``venue``'s booths and return a copy with them applied.

    Parameters
    ----------
    source
        The list's path, or its bytes (an upload; give ``name`` to say its type).
    venue
        The venue whose booths the rows name.
    columns
        ``{field: header}`` for columns the headers do not make clear (see :class:`Field`).
    name
        What to call the list in messages and, for bytes, its file name.
    sheet
        For a spreadsheet, the sheet to read (default: the first).

    Returns
    -------
    ExhibitorImport
        The venue with every matched row applied (columns the list has overwrite the
        booth's values; booths the list does not name keep theirs) and the report.

    Raises
    ------
    ExhibitorListError
        When the list cannot be read or has no booth-number column.
    """
    label = name or (Path(source).name if not isinstance(source, bytes) else "list.csv")
    rows, read_as = read_exhibitor_list(source, name=label, sheet=sheet)
    at, cols = _columns(rows, columns or {}, label)
    header = rows[at]
    body = [(at + 2 + k, row) for k, row in enumerate(rows[at + 1 :]) if any(c for c in row)]
    out = venue.copy()
    rejected, updates, companies, first = _match_rows(body, cols, out)
    noted = [
        RowIssue(
            first[company],
            booths[0],
            IssueKind.MANY_BOOTHS,
            f"{company} has {len(booths)} booths: {', '.join(booths)}",
        )
        for company, booths in companies.items()
        if len(booths) > 1
    ]
    for pos, values in updates.items():
        for col, value in values.items():
            out.booths.iat[pos, out.booths.columns.get_loc(col)] = value
    report = ExhibitorReport(
        source=label,
        read_as=read_as,
        columns={f.value: header[cols[f]] for f in Field if f in cols},
        rows=len(body),
        matched=len(body) - len(rejected),
        booths_filled=len(updates),
        rejected=tuple(rejected),
        noted=tuple(noted),
    )
    return ExhibitorImport(out, report)


def _match_rows(
    body: list[tuple[int, list[str]]], cols: dict[Field, int], out: Venue
) -> tuple[list[RowIssue], dict[int, dict[str, str]], dict[str, list[str]], dict[str, int]]:
    """Match each row to its booths; return rejections, updates, booths per company, first rows.

    Rows are matched in order, so a booth another row already took is a rejection.
    """
    index = _booth_index(out)
    rejected: list[RowIssue] = []
    owner: dict[int, tuple[str, int]] = {}
    updates: dict[int, dict[str, str]] = {}
    companies: dict[str, list[str]] = {}
    first: dict[str, int] = {}
    for line, row in body:
        issue, targets, values = _row(line, row, cols=cols, index=index, owner=owner, venue=out)
        if issue is not None:
            rejected.append(issue)
            continue
        company = values.get(Col.EXHIBITOR) or values.get(Col.EXHIBITOR_ZH) or ""
        for pos in targets:
            owner[pos] = (company, line)
            updates[pos] = values
        if company:
            first.setdefault(company, line)
            companies.setdefault(company, []).extend(
                str(out.booths[Col.BOOTH_ID].iat[p]) for p in targets
            )
    return rejected, updates, companies, first


def _booth_index(venue: Venue) -> dict[str, int]:
    index: dict[str, int] = {}
    for pos, bid in enumerate(venue.booths[Col.BOOTH_ID].astype(str)):
        index.setdefault(bid, pos)
        index.setdefault("\0" + _norm(bid), pos)
    return index


def _row(
    line: int,
    row: list[str],
    *,
    cols: dict[Field, int],
    index: dict[str, int],
    owner: dict[int, tuple[str, int]],
    venue: Venue,
) -> tuple[RowIssue | None, list[int], dict[str, str]]:
    cell = row[cols[Field.BOOTH]] if cols[Field.BOOTH] < len(row) else ""
    values = {
        _PROPERTY[f]: (row[c] if c < len(row) else "") for f, c in cols.items() if f in _PROPERTY
    }
    company = values.get(Col.EXHIBITOR) or values.get(Col.EXHIBITOR_ZH) or "(no name)"
    if not cell:
        return RowIssue(line, "", IssueKind.NO_BOOTH, f"{company}: no booth number"), [], {}
    if values.get(Col.ZONE):
        zone = _zone(values[Col.ZONE])
        if zone is None:
            valid = ", ".join(z.value for z in Zone)
            msg = f"{company} ({cell}): zone {values[Col.ZONE]!r} is not one of {valid}"
            return RowIssue(line, cell, IssueKind.BAD_ZONE, msg), [], {}
        values[Col.ZONE] = zone
    elif Col.ZONE in values:
        del values[Col.ZONE]  # an empty zone cell keeps the booth's zone
    if Col.PRODUCTS in values:
        values[Col.PRODUCTS] = ";".join(p for p in _LIST_SPLIT.split(values[Col.PRODUCTS]) if p)
    targets = []
    for booth in filter(None, _BOOTH_SPLIT.split(cell)):
        pos = index.get(booth, index.get("\0" + _norm(booth)))
        if pos is None:
            msg = f"{company}: booth {booth!r} is not in the venue"
            return RowIssue(line, booth, IssueKind.UNKNOWN_BOOTH, msg), [], {}
        if pos in owner and owner[pos][0] != company:
            other, other_line = owner[pos]
            bid = venue.booths[Col.BOOTH_ID].iat[pos]
            msg = f"{company}: booth {bid} is already {other or '(no name)'}'s (row {other_line})"
            return RowIssue(line, booth, IssueKind.BOOTH_TAKEN, msg), [], {}
        targets.append(pos)
    return None, targets, values


def _zone(text: str) -> str | None:
    low = text.strip().lower()
    if low in {z.value for z in Zone}:
        return low
    found = _ZONE_WORDS.get(text.strip())
    return found.value if found is not None else None

"""Write an editor's undo history as JSON and read it back exactly (autosaved drafts).

A planner's unsaved edits outlive the server's memory as a *draft*: the editor's undo
and redo stacks (:class:`~floorplan.layout.editor.Edit`: each touched booth's row before
and after) written as JSON text, which the layout store keeps per user and base version
(:meth:`floorplan.io.store.LayoutStore.save_draft`). Replaying the edits on the version the
editor was opened from (:meth:`~floorplan.layout.editor.LayoutEditor.replay`) gives back
the same booths, the same properties and the same undo and redo history.

Exactness: geometries travel as WKB (every double bit for bit), and every property value
carries its Python type (``str``, ``int``, ``float`` with NaN and infinities, ``bool``,
``None``, numpy scalars, timestamps), so the replayed rows equal the original ones.

A history longer than ``max_edits`` (or whose text would pass ``max_bytes``) is written
*squashed*: one edit from the opened version to the current layout
(:meth:`~floorplan.layout.editor.LayoutEditor.net_edit`). Then every booth is exact
(its properties and geometry; the rows may stand in another order) but the undo steps
are one.

>>> import shapely
>>> row = _row_to_json(_Row((("booth_id", "A-1"), ("open_sides", 2)), shapely.box(0, 0, 3, 3), 0))
>>> _row_from_json(row).get("open_sides")
2
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import pandas as pd
import shapely

from floorplan.errors import EditError
from floorplan.layout.editor import Edit, LayoutEditor, _Row

__all__ = [
    "DRAFT_FORMAT",
    "MAX_DRAFT_EDITS",
    "DraftHistory",
    "history_from_json",
    "history_to_json",
]

#: The version of the draft text; a draft of another format is refused, not guessed at.
DRAFT_FORMAT: Final = 1
#: Histories longer than this are written squashed (net state only).
MAX_DRAFT_EDITS: Final = 500


@dataclass(frozen=True)
class DraftHistory:
    """An editor's history as read back from a draft.

    Attributes
    ----------
    undo, redo
        The applied edits (oldest first) and the undone ones (as the editor stacks them).
    squashed
        Whether the history was written as one net edit (the undo steps are lost).
    meta
        What the writer kept beside the history (:func:`history_to_json`'s ``meta``).
    """

    undo: tuple[Edit, ...]
    redo: tuple[Edit, ...]
    squashed: bool = False
    meta: dict[str, Any] = field(default_factory=dict)


def history_to_json(
    editor: LayoutEditor,
    *,
    max_edits: int = MAX_DRAFT_EDITS,
    max_bytes: int | None = None,
    meta: dict[str, Any] | None = None,
) -> tuple[str, bool]:
    """Return the editor's undo and redo history as JSON text, and whether it is squashed.

    The whole history when it has at most ``max_edits`` edits and its text fits in
    ``max_bytes``; else one net edit (the redo stack dropped). ``meta`` (JSON values) is
    kept beside it and read back as :attr:`DraftHistory.meta`.
    """
    undo, redo = editor.history_edits()
    if len(undo) + len(redo) <= max_edits:
        text = _dump(undo, redo, squashed=False, meta=meta)
        if max_bytes is None or len(text.encode("utf-8")) <= max_bytes:
            return text, False
    net = editor.net_edit(f"{len(undo)} edits")
    return _dump((net,) if net is not None else (), (), squashed=True, meta=meta), True


def history_from_json(text: str) -> DraftHistory:
    """Read back the history :func:`history_to_json` wrote.

    Raises
    ------
    EditError
        When the text is not a draft history of this format.
    """
    try:
        data = json.loads(text)
        if data.get("format") != DRAFT_FORMAT:
            msg = f"a draft of format {data.get('format')!r}, not {DRAFT_FORMAT}"
            raise EditError(msg)
        return DraftHistory(
            undo=tuple(_edit_from_json(e) for e in data["undo"]),
            redo=tuple(_edit_from_json(e) for e in data["redo"]),
            squashed=bool(data.get("squashed", False)),
            meta=dict(data.get("meta") or {}),
        )
    except (ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        msg = f"the draft cannot be read: {exc}"
        raise EditError(msg) from None


def _dump(
    undo: Sequence[Edit], redo: Sequence[Edit], *, squashed: bool, meta: dict[str, Any] | None
) -> str:
    return json.dumps(
        {
            "format": DRAFT_FORMAT,
            "squashed": squashed,
            "meta": meta or {},
            "undo": [_edit_to_json(e) for e in undo],
            "redo": [_edit_to_json(e) for e in redo],
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _edit_to_json(edit: Edit) -> dict[str, Any]:
    return {
        "label": edit.label,
        "before": [[bid, None if r is None else _row_to_json(r)] for bid, r in edit.before],
        "after": [[bid, None if r is None else _row_to_json(r)] for bid, r in edit.after],
    }


def _edit_from_json(data: dict[str, Any]) -> Edit:
    def rows(items: list[Any]) -> tuple[tuple[str, _Row | None], ...]:
        return tuple((str(bid), None if r is None else _row_from_json(r)) for bid, r in items)

    return Edit(str(data["label"]), rows(data["before"]), rows(data["after"]))


def _row_to_json(row: _Row) -> dict[str, Any]:
    return {
        "props": [[str(k), *_value_to_json(v)] for k, v in row.props],
        "wkb": shapely.to_wkb(row.geometry, hex=True, byte_order=1),
        "position": int(row.position),
    }


def _row_from_json(data: dict[str, Any]) -> _Row:
    props = tuple((str(k), _value_from_json(tag, v)) for k, tag, v in data["props"])
    return _Row(props, shapely.from_wkb(data["wkb"]), int(data["position"]))


# A value's type travels with it, so that the row read back equals the row written.
# Floats travel as their repr (NaN and the infinities too): float(repr(x)) == x.
_NUMPY: Final[dict[str, Any]] = {"I": np.int64, "F": np.float64, "B": np.bool_}


def _value_to_json(value: Any) -> tuple[str, Any]:
    if value is None:
        return "n", None
    if isinstance(value, np.generic):
        if isinstance(value, np.bool_):
            return "B", bool(value)
        if isinstance(value, np.integer):
            return "I", int(value)
        if isinstance(value, np.floating):
            return "F", repr(float(value))
    if isinstance(value, bool):
        return "b", value
    if isinstance(value, int):
        return "i", value
    if isinstance(value, float):
        return "f", repr(value)
    if isinstance(value, str):
        return "s", value
    if isinstance(value, pd.Timestamp):
        return "t", value.isoformat()
    if value is pd.NA:
        return "na", None
    msg = f"a booth property of type {type(value).__name__} cannot be kept in a draft"
    raise EditError(msg)


def _value_from_json(tag: str, value: Any) -> Any:
    if tag == "n":
        return None
    if tag == "na":
        return pd.NA
    if tag in _NUMPY:
        return _NUMPY[tag](float(value) if tag == "F" else value)
    if tag == "b":
        return bool(value)
    if tag == "i":
        return int(value)
    if tag == "f":
        return float(value)
    if tag == "s":
        return str(value)
    if tag == "t":
        return pd.Timestamp(value)
    msg = f"unknown value tag {tag!r}"
    raise ValueError(msg)

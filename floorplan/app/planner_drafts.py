"""Keep a planner's unsaved edits as an autosaved draft in the layout store; offer them back.

A :class:`DraftKeeper` watches one session's :class:`~floorplan.app.planner_state.PlannerState`.
After every change of the layout it writes the editor's whole undo and redo history
(:mod:`floorplan.layout.drafts`) as the user's draft on the open version
(:meth:`~floorplan.io.store.LayoutStore.save_draft`: one SQLite transaction), so that
the edits outlive a closed tab, a lost connection and a server restart. A save, or
dropping the edits (opening another version, reloading the latest), deletes the draft;
undoing every edit does too.

On the next log-in the page asks (:meth:`DraftKeeper.offer`) whether to restore the
newest draft: restoring loads the version the edits started from, replays them and opens
the result on the draft's base version — the same booths and the same undo history (a
history of more than :data:`~floorplan.layout.drafts.MAX_DRAFT_EDITS` edits is kept as one
net edit: the same booths, one undo step). Until the planner answers, nothing is written.

Two tabs of one user on one version share one draft: the one that changed last wins.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from floorplan import i18n
from floorplan.app.planner_state import PlannerState
from floorplan.errors import FloorplanError
from floorplan.i18n import Lang
from floorplan.io.store import DRAFT_MAX_BYTES, DraftInfo
from floorplan.layout import LayoutEditor
from floorplan.layout.drafts import history_from_json, history_to_json

__all__ = ["DraftKeeper", "draft_time"]


def draft_time(saved_at: str, *, now: datetime | None = None) -> str:
    """Return when a draft was saved as the server's local ``HH:MM`` (with the date if not today).

    >>> from datetime import UTC
    >>> draft_time("2023-11-28T06:32:10.123+00:00", now=datetime(2023, 11, 28, 7, tzinfo=UTC))[-5:]
    '06:32'
    """
    try:
        when = datetime.fromisoformat(saved_at)
    except ValueError:
        return saved_at
    local = when.astimezone(now.tzinfo if now is not None else None)
    today = (now or datetime.now(local.tzinfo)).date()
    return local.strftime("%H:%M" if local.date() == today else "%Y-%m-%d %H:%M")


class DraftKeeper:
    """Autosave one planner session's unsaved edits; offer, restore or discard a draft.

    Parameters
    ----------
    state
        The session's planner state (its ``store`` keeps the drafts).
    author
        The logged-in user (no user: nothing is kept).
    lang
        The planner's language, for the messages.
    """

    def __init__(self, state: PlannerState, *, author: str, lang: Lang = Lang.EN) -> None:
        self.state = state
        self.author = author
        self.lang = lang
        #: The draft offered and not yet answered (autosave waits meanwhile).
        self.pending: DraftInfo | None = None
        self._editor: LayoutEditor | None = None
        self._origin: int | None = None
        self._written: int | None = None  # the base of the draft this session wrote
        self._seen: tuple[Any, ...] = ()
        # Where the undo stack stood when the open version was saved or opened: there,
        # the layout is that version and nothing is unsaved (base, depth, top edit's id).
        self._mark: tuple[int | None, int, int | None] = (None, 0, None)
        self._follow()
        state.param.watch(self.autosave, ["revision", "base", "unsaved"])

    @property
    def store(self) -> Any:
        """Return the layout store the drafts live in."""
        return self.state.store

    # --- offering back ----------------------------------------------------------------
    def offer(self) -> DraftInfo | None:
        """Return the user's newest draft to offer back (``None``: none); hold autosave."""
        drafts = self.store.drafts(self.author) if self.author else []
        self.pending = drafts[0] if drafts else None
        return self.pending

    def question(self) -> tuple[str, str]:
        """Return the offer's question and detail line in the planner's language."""
        d = self.pending
        if d is None:
            return "", ""
        when = draft_time(d.saved_at)
        return (
            i18n.text("draft.offer", self.lang, edits=d.edits, when=when),
            i18n.text("draft.detail", self.lang, base=d.base),
        )

    def restore(self) -> bool:
        """Open the offered draft's edits exactly as they were; return whether it worked.

        When the draft cannot be read or does not fit its version, say why in the state's
        ``error`` and keep the draft (to be discarded or tried again).
        """
        d = self.pending
        if d is None:
            return False
        found = self.store.load_draft(d.author, d.base)
        try:
            if found is None:
                msg = "it was deleted meanwhile"
                raise FloorplanError(msg)
            info, text = found
            history = history_from_json(text)
            editor = LayoutEditor(self.store.load(info.origin), rules=self.state.rules)
            editor.replay(history.undo, history.redo)
        except FloorplanError as exc:
            reason = str(exc)
            self.state.param.update(error=i18n.text("draft.failed", self.lang, reason=reason))
            if found is None:
                self.pending = None
            return False
        when = draft_time(info.saved_at)
        notice = i18n.text("draft.restored", self.lang, edits=info.edits, when=when, base=info.base)
        if history.squashed:
            notice += " " + i18n.text("draft.squashed", self.lang)
        self.pending = None
        self.state.adopt(editor, base=info.base, unsaved=info.edits, notice=notice)
        self._editor, self._origin, self._written = editor, info.origin, info.base
        depth = int(history.meta.get("base_depth", -1)) if not history.squashed else -1
        undo = editor.history_edits()[0]
        top = id(undo[depth - 1]) if 0 < depth <= len(undo) else None
        self._mark = (info.base, depth, top)
        self._seen = self._key()
        return True

    def discard(self) -> None:
        """Delete the offered draft and keep editing what is open."""
        d = self.pending
        if d is None:
            return
        self.store.delete_draft(d.author, d.base)
        self.pending = None
        when = draft_time(d.saved_at)
        self.state.param.update(notice=i18n.text("draft.discarded", self.lang, when=when))
        self.autosave()

    # --- autosave ---------------------------------------------------------------------
    def _follow(self) -> None:
        """Note a new editor (a version opened) or a save: where "nothing unsaved" is."""
        s = self.state
        if s.editor is not self._editor:  # its edits start from the version just opened
            self._editor = s.editor
            self._origin = s.base
            self._mark = (s.base, 0, None)
        elif s.base != self._mark[0]:  # saved: the layout as it is now is the new base
            undo = s.editor.history_edits()[0]
            self._mark = (s.base, len(undo), id(undo[-1]) if undo else None)

    def _at_base(self) -> bool:
        undo = self.state.editor.history_edits()[0]
        _, depth, top = self._mark
        return len(undo) == depth and (id(undo[-1]) if undo else None) == top

    def _key(self) -> tuple[Any, ...]:
        s = self.state
        undo, redo = s.editor.history_edits()
        last = (id(undo[-1]) if undo else None, id(redo[-1]) if redo else None)
        return (id(s.editor), s.base, s.unsaved, len(undo), len(redo), *last)

    def autosave(self, *_: object) -> None:
        """Write the open edits as the user's draft (or delete it when none are unsaved)."""
        if self.pending is not None or not self.author:
            return
        self._follow()
        key = self._key()
        if key == self._seen:
            return
        self._seen = key
        s = self.state
        if self._written is not None and self._written != s.base:
            self._delete(self._written)  # saved, or dropped for another version
        if self._at_base() or s.base is None or self._origin is None:
            if self._written is not None:  # every edit undone, or saved: nothing to keep
                self._delete(self._written)
            return
        meta = {"base_depth": self._mark[1]}
        text = history_to_json(s.editor, max_bytes=DRAFT_MAX_BYTES, meta=meta)[0]
        try:
            self.store.save_draft(
                self.author, base=int(s.base), origin=self._origin, edits=s.unsaved, text=text
            )
        except FloorplanError as exc:
            s.param.update(error=i18n.text("draft.not_kept", self.lang, reason=str(exc)))
            return
        self._written = int(s.base)

    def _delete(self, base: int) -> None:
        try:
            self.store.delete_draft(self.author, base)
        except FloorplanError as exc:  # a store being replaced: the draft stays, harmless
            self.state.param.update(error=i18n.text("draft.not_kept", self.lang, reason=str(exc)))
        self._written = None

"""Hold the staff page's state and logic: capacity figures, crowding, forecast, simulation.

:class:`StaffState` is a ``param.Parameterized`` over :mod:`floorplan.capacity`, as the
kiosk's :class:`~floorplan.app.kiosk.KioskState` and the planner's
:class:`~floorplan.app.planner_state.PlannerState`; :mod:`floorplan.app.staff` only draws
it. Tests drive it without a browser.

The figures and the problems come as one :class:`~floorplan.capacity.CapacityReport`
(:func:`floorplan.rules.capacity_report`), the one ``floorplan capacity`` prints: the same
per-hall figures and the same problems (the rule engine's, every rule) on both. The code
profile and sprinklers start as the venue's own.

The capacity figures (7-20 s for the bundled venue on two shared cores) are computed once
per server, venue, profile and sprinkler setting in a worker thread
(:func:`capacities_future`), and the JuPedSim run in another. The page shows at once: in
a server session it *awaits* those futures in a coroutine on the session's event loop
(:meth:`StaffState.wait_capacity`, :meth:`StaffState.run_simulation`), so the figures
and the simulation's progress arrive when the worker has them, without polling.
Outside a server (a notebook, a test) the figures are waited for at once.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Coroutine
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from typing import Any, Final

import param

from floorplan import capacity as C
from floorplan.rules import Code, capacity_report, code_of
from floorplan.schema import Col
from floorplan.venue import Venue

__all__ = ["StaffState", "capacities_future"]

#: One simulation at a time per server: the machine's cores are shared.
_SIM_POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="floorplan-sim")
#: Capacity figures are computed here, one venue/profile at a time, apart from the sims.
_CAP_POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="floorplan-capacity")
_CAP_LOCK = threading.Lock()
_CapKey = tuple[Venue, str, bool]
_CAP_FUTURES: OrderedDict[_CapKey, Future[C.CapacityReport]] = OrderedDict()
#: Computations kept (done or running): a few profiles × sprinkler settings × venues.
_CAP_KEEP: Final = 8
#: While the figures are computed, the page's clock of elapsed seconds ticks this often.
CLOCK_S: Final = 1.0
#: The simulation's progress is shown at most this often (it reports every simulated second).
PROGRESS_S: Final = 0.25

#: Runs a coroutine function on the session's event loop (``pn.state.execute``).
Scheduler = Callable[[Callable[[], Coroutine[Any, Any, None]]], None]
#: Runs a function on the session's event loop holding the document lock.
Locked = Callable[[Callable[[], None]], None]


def _now(fn: Callable[[], None]) -> None:
    fn()


def _compute(venue: Venue, profile: str, sprinklered: bool) -> C.CapacityReport:
    return capacity_report(venue, code=Code(profile, sprinklered), with_field=True)


def capacities_future(
    venue: Venue, profile: str = C.DEFAULT_PROFILE, *, sprinklered: bool = False
) -> Future[C.CapacityReport]:
    """Return the shared computation of ``venue``'s report, started in a worker if new.

    Every session asking for the same venue, profile and sprinkler setting gets the same
    future, so the figures are computed once per server (a failure is kept too: it
    would fail again).
    """
    key = (venue, profile, sprinklered)
    with _CAP_LOCK:
        fut = _CAP_FUTURES.get(key)
        if fut is None:
            fut = _CAP_POOL.submit(_compute, venue, profile, sprinklered)
            _CAP_FUTURES[key] = fut
            while len(_CAP_FUTURES) > _CAP_KEEP:
                _CAP_FUTURES.popitem(last=False)
        else:
            _CAP_FUTURES.move_to_end(key)
        return fut


class StaffState(param.Parameterized):
    """The staff page's state over the capacity figures of one venue.

    Parameters
    ----------
    venue
        The venue whose halls are shown.
    schedule
        Runs a coroutine function on the session's event loop; with it the figures and
        simulations are awaited there. ``None``: wait for the figures at once (no server).
    locked
        Runs a function holding the session document's lock (Panel's
        ``pn.state.execute(fn, schedule=True)``): what an awaited result changes is
        applied through it, since Bokeh models may only change under that lock and the
        awaiting coroutine must not hold it (the page stays live meanwhile). Default:
        call at once.
    """

    profile: param.Selector = param.Selector(
        objects=C.known_profiles(), default=C.DEFAULT_PROFILE, label="Code profile"
    )
    sprinklered = param.Boolean(default=False, label="Sprinklered")
    status: param.Selector = param.Selector(
        objects=["computing", "ready", "failed"], default="computing"
    )
    caps = param.ClassSelector(
        class_=tuple, default=(), doc="The figures of every hall (empty until computed)."
    )
    report = param.Parameter(default=None, doc="The CapacityReport shown (None until computed).")
    problems = param.List(default=[], doc="Every problem of the venue (the rule engine's all).")
    error = param.String(default="", doc="Why the figures could not be computed.")
    elapsed_s = param.Number(default=0.0, doc="How long the figures have been computed.")
    # Crowding now, from counts per hall.
    counts = param.Dict(default={}, doc="People counted per hall id (text as typed).")
    crowd_halls = param.List(default=[], doc="Crowding per hall.")
    crowd_zones = param.List(default=[], doc="Crowding per zone.")
    crowd_error = param.String(default="")
    # The peak forecast, from text as typed.
    daily = param.String(default=str(C.BUNDLED_VISITORS // C.BUNDLED_DAYS), label="Daily visitors")
    dwell = param.String(default=str(C.DEFAULT_DWELL_H), label="Dwell h")
    open_h = param.String(default=str(C.DEFAULT_OPEN_H), label="Opening h")
    peak_factor = param.String(default=str(C.DEFAULT_PEAK_FACTOR), label="Peak factor")
    forecast = param.Parameter(default=None, doc="The PeakForecast of the inputs, if valid.")
    forecast_error = param.String(default="")
    # The simulation.
    sim_hall = param.String(default="", label="Hall", doc="The hall to simulate.")
    sim_count = param.String(default="500", label="Occupants")
    sim_running = param.Boolean(default=False)
    sim_t = param.Number(default=0.0, doc="Simulated seconds so far.")
    sim_left = param.Integer(default=0, doc="Agents still inside.")
    sim_n = param.Integer(default=0, doc="Agents placed.")
    sim_result = param.Parameter(default=None, doc="The last finished SimResult.")
    sim_hydraulic = param.Parameter(default=None, doc="Its hydraulic Evacuation.")
    sim_error = param.String(default="")

    def __init__(
        self,
        venue: Venue,
        *,
        schedule: Scheduler | None = None,
        locked: Locked | None = None,
        **params: Any,
    ) -> None:
        self.hall_ids = [str(h) for h in venue.halls[Col.HALL_ID]]
        params.setdefault("sim_hall", self.hall_ids[0] if self.hall_ids else "")
        params.setdefault("counts", dict.fromkeys(self.hall_ids, "0"))
        own = code_of(venue)  # the venue's own code, as every other page checks it
        params.setdefault("sprinklered", own.sprinklered)
        profile = params.pop("profile", own.profile)
        super().__init__(**params)
        if profile not in self.param.profile.objects:  # a profile file the venue names
            self.param.profile.objects = [*self.param.profile.objects, profile]
        self.profile = profile
        self.venue = venue
        self.schedule = schedule
        self.locked = locked or _now
        self._future: Future[C.CapacityReport] | None = None
        self._started = 0.0
        self._sim_future: Future[C.SimResult] | None = None
        self._sim_cap: C.HallCapacity | None = None
        self._sim_loop: asyncio.AbstractEventLoop | None = None
        self._progress: asyncio.Queue[tuple[float, int]] | None = None
        self.param.watch(lambda *_: self.request(), ["profile", "sprinklered"])
        self.param.watch(
            lambda *_: self.update_forecast(), ["daily", "dwell", "open_h", "peak_factor"]
        )
        self.request()

    @property
    def profile_object(self) -> C.Profile:
        """Return the chosen code profile."""
        return C.load_profile(self.profile)

    # ------------------------------------------------------------------ capacity

    def request(self) -> Future[C.CapacityReport]:
        """Ask for the figures of the chosen profile; show them now if they are ready."""
        fut = capacities_future(self.venue, self.profile, sprinklered=self.sprinklered)
        self._future = fut
        if fut.done() or self.schedule is None:
            self._finish(fut)
            return fut
        self._started = time.monotonic()
        self.param.update(
            status="computing",
            caps=(),
            report=None,
            problems=[],
            error="",
            elapsed_s=0.0,
            crowd_halls=[],
            crowd_zones=[],
            forecast=None,
        )
        self.schedule(self.wait_capacity)
        return fut

    async def wait_capacity(self) -> None:
        """Await the figures asked for last, ticking the elapsed clock; then show them.

        A computation that a newer request replaced is left to finish for other sessions
        (the shared future is never cancelled here) and its result is not shown.
        """
        fut = self._future
        if fut is None:
            return
        # asyncio.wait never cancels what it waits for: the future is shared by sessions.
        done = asyncio.wrap_future(fut)
        while not done.done():
            await asyncio.wait({done}, timeout=CLOCK_S)
            if fut is not self._future:
                return
            self.locked(self._tick)
        if fut is self._future:
            self.locked(lambda: self._finish(fut) if fut is self._future else None)

    def _tick(self) -> None:
        if self.status == "computing":
            self.elapsed_s = time.monotonic() - self._started

    def _finish(self, fut: Future[C.CapacityReport]) -> None:
        try:
            report = fut.result()
        except Exception as exc:  # shown to the user, never a traceback
            self.param.update(status="failed", caps=(), report=None, problems=[], error=str(exc))
            return
        self.param.update(
            status="ready",
            caps=report.halls,
            report=report,
            problems=list(report.problems),
            error="",
        )
        self.update_crowding()
        self.update_forecast()

    def cap(self, hall_id: str) -> C.HallCapacity | None:
        """Return the figures of ``hall_id`` (``None`` while computing)."""
        return next((c for c in self.caps if c.hall_id == hall_id), None)

    # ------------------------------------------------------------------ crowding

    def set_counts(self, counts: dict[str, str]) -> None:
        """Take counts per hall (text as typed) and rate the crowding."""
        self.counts = {**self.counts, **counts}
        self.update_crowding()

    def load_counts_csv(self, data: bytes) -> bool:
        """Take the counts of an uploaded CSV (``hall_id,count``); return whether it was good."""
        try:
            counts = C.parse_counts_csv(data.decode("utf-8-sig"), where="upload")
            unknown = [h for h in counts if h not in self.counts]
            if unknown:
                msg = f"upload: count for unknown hall {unknown[0]!r}"
                raise C.CountError(msg)
        except (C.CountError, UnicodeDecodeError) as exc:
            self.crowd_error = str(exc)
            return False
        self.set_counts({h: str(n) for h, n in counts.items()})
        return True

    def update_crowding(self) -> None:
        """Rate density and Fruin level per hall and zone (once the figures are there)."""
        if not self.caps:
            return
        try:
            halls = C.crowding(self.caps, self.counts)
            zones = C.crowding(self.caps, self.counts, by="zone")
        except C.CountError as exc:
            self.crowd_error = str(exc)
            return
        self.param.update(crowd_halls=halls, crowd_zones=zones, crowd_error="")

    def update_forecast(self) -> None:
        """Forecast the peak from the inputs (once the figures give the venue's capacity)."""
        if not self.caps:
            return
        whole = C.totals(self.caps, by="venue")
        try:
            f = C.forecast_peak(
                self.daily or "",
                self.dwell or "",
                open_h=self.open_h or "",
                peak_factor=self.peak_factor or "",
                capacity=whole[0].capacity if whole else None,
            )
        except C.CountError as exc:
            self.param.update(forecast=None, forecast_error=str(exc))
            return
        self.param.update(forecast=f, forecast_error="")

    # ------------------------------------------------------------------ simulation

    def start_simulation(self) -> Future[C.SimResult] | None:
        """Start a JuPedSim run of the chosen hall in the worker; ``None`` if it cannot start.

        The coroutine :meth:`run_simulation` (scheduled here in a server session) shows its
        progress and result.
        """
        if self.sim_running:
            return None
        from floorplan.capacity.sim import jupedsim_available  # noqa: PLC0415

        if not jupedsim_available():
            self.sim_error = "JuPedSim is not installed: pip install 'floorplan[sim]'"
            return None
        cap = self.cap(self.sim_hall)
        if cap is None:  # the figures are still being computed
            return None
        try:
            n = C.parse_count(self.sim_count, hall_id=cap.hall_id)
        except C.CountError as exc:
            self.sim_error = str(exc)
            return None
        self.param.update(sim_running=True, sim_t=0.0, sim_left=n, sim_n=n, sim_error="")
        self._sim_cap = cap
        self._sim_future = _SIM_POOL.submit(self._simulate, cap, n)
        if self.schedule is not None:
            self.schedule(self.run_simulation)
        return self._sim_future

    def _simulate(self, cap: C.HallCapacity, n: int) -> C.SimResult:
        from floorplan.capacity.sim import simulate_evacuation  # noqa: PLC0415

        return simulate_evacuation(self.venue, cap, occupants=n, progress=self._report)

    def _report(self, t: float, left: int) -> None:
        """Hand the worker's progress to the awaiting coroutine's loop (any thread)."""
        loop, queue = self._sim_loop, self._progress
        if loop is not None and queue is not None:
            loop.call_soon_threadsafe(queue.put_nowait, (t, left))

    async def run_simulation(self) -> None:
        """Await the running simulation, showing its progress as the worker reports it."""
        fut = self._sim_future
        if fut is None:
            return
        self._sim_loop = asyncio.get_running_loop()
        self._progress = queue = asyncio.Queue[tuple[float, int]]()
        done = asyncio.wrap_future(fut)
        shown = 0.0
        while not done.done():
            step = asyncio.ensure_future(queue.get())
            waiting: set[asyncio.Future[Any]] = {done, step}
            await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
            if not step.done():
                step.cancel()
                continue
            t, left = step.result()
            while not queue.empty():  # only the latest report counts
                t, left = queue.get_nowait()
            if time.monotonic() - shown >= PROGRESS_S:
                shown = time.monotonic()
                self.locked(partial(self._show_progress, t, left))
        self._sim_loop = self._progress = None
        self.locked(lambda: self.finish_simulation(fut))

    def _show_progress(self, t: float, left: int) -> None:
        if self.sim_running:
            self.param.update(sim_t=t, sim_left=left)

    def finish_simulation(self, fut: Future[C.SimResult]) -> None:
        """Show a finished run (or why it failed) next to the hydraulic estimate."""
        try:
            res = fut.result()
        except Exception as exc:  # shown to the user, never a traceback
            self.param.update(sim_running=False, sim_error=f"Simulation failed: {exc}")
            return
        # The figures the run started from (the profile may have changed since).
        cap = self._sim_cap if self._sim_cap is not None else self.cap(res.hall_id)
        hyd = C.hydraulic_evacuation(cap, res.occupants) if cap is not None else None
        self.param.update(sim_running=False, sim_left=res.stuck, sim_hydraulic=hyd, sim_result=res)

"""Estimate how many people each hall may hold, how far its exits are, how fast it empties.

One module per computed quantity, as PedPy does:

- :mod:`~floorplan.capacity.profiles`: fire-code profiles (GB 50016, IBC, UK) with clauses;
- :mod:`~floorplan.capacity.hall`: per-hall occupant load, egress capacity, travel distance;
- :mod:`~floorplan.capacity.results`: the frozen records those figures come in;
- :mod:`~floorplan.capacity.farthest`: the open floor's point farthest from every exit;
- :mod:`~floorplan.capacity.evacuation`: the SFPE hydraulic evacuation time;
- :mod:`~floorplan.capacity.sim`: the JuPedSim agent simulation (the ``sim`` extra);
- :mod:`~floorplan.capacity.crowding`: Fruin's levels of service and peak forecasts;
- :mod:`~floorplan.capacity.report`: the figures with each hall's problems, as
  ``floorplan capacity`` and ``/staff`` both show them.
"""

from __future__ import annotations

from floorplan.capacity.crowding import (
    BUNDLED_DAYS,
    BUNDLED_VISITORS,
    DEFAULT_DWELL_H,
    DEFAULT_OPEN_H,
    DEFAULT_PEAK_FACTOR,
    LOS,
    Crowding,
    PeakForecast,
    crowding,
    forecast_peak,
    fruin_los,
    parse_count,
    parse_counts_csv,
    read_counts_csv,
)
from floorplan.capacity.evacuation import SFPE_SPEED_MPS, Evacuation, hydraulic_evacuation
from floorplan.capacity.hall import (
    EXIT_KINDS,
    HEAT_SPACING_M,
    WALK_SAMPLES,
    hall_capacity,
    totals,
)
from floorplan.capacity.profiles import (
    DEFAULT_PROFILE,
    Measure,
    Profile,
    ProfileValue,
    known_profiles,
    load_profile,
)
from floorplan.capacity.report import CapacityReport, problem_hall
from floorplan.capacity.results import (
    Areas,
    Binding,
    CapacityTotal,
    ExitInfo,
    HallCapacity,
    Load,
    Travel,
    TravelField,
)
from floorplan.capacity.sim import SimResult, jupedsim_available, simulate_evacuation
from floorplan.errors import CountError, ProfileError

__all__ = [
    "BUNDLED_DAYS",
    "BUNDLED_VISITORS",
    "DEFAULT_DWELL_H",
    "DEFAULT_OPEN_H",
    "DEFAULT_PEAK_FACTOR",
    "DEFAULT_PROFILE",
    "EXIT_KINDS",
    "HEAT_SPACING_M",
    "LOS",
    "SFPE_SPEED_MPS",
    "WALK_SAMPLES",
    "Areas",
    "Binding",
    "CapacityReport",
    "CapacityTotal",
    "CountError",
    "Crowding",
    "Evacuation",
    "ExitInfo",
    "HallCapacity",
    "Load",
    "Measure",
    "PeakForecast",
    "Profile",
    "ProfileError",
    "ProfileValue",
    "SimResult",
    "Travel",
    "TravelField",
    "crowding",
    "forecast_peak",
    "fruin_los",
    "hall_capacity",
    "hydraulic_evacuation",
    "jupedsim_available",
    "known_profiles",
    "load_profile",
    "parse_count",
    "parse_counts_csv",
    "problem_hall",
    "read_counts_csv",
    "simulate_evacuation",
    "totals",
]

"""Name every colour the pages draw with: the one place a colour is written.

Bokeh glyphs take these constants directly. Style sheets (``floorplan/app/static/*.css``)
and templates never spell a colour: they use CSS custom properties (``var(--fp-error)``)
that :func:`variables_css` defines from :data:`CSS_VARIABLES` on each page's root, and
custom properties inherit into every widget's shadow root. ``tests/app/test_theme.py``
checks that no other module of ``floorplan.app`` and no style sheet holds a colour
literal, and that every variable a style sheet uses is defined here.

>>> variables_css().startswith(":host, :root {")
True
>>> CSS_VARIABLES["error"] == ERROR
True
"""

from __future__ import annotations

from typing import Final

from floorplan.schema import Zone

__all__ = [
    "CSS_VARIABLES",
    "DIFF_COLOURS",
    "LOS_COLOURS",
    "OPENING_COLOURS",
    "PHONE_VARIABLES",
    "ZONE_COLOURS",
    "variables_css",
]

# --- plain --------------------------------------------------------------------------
WHITE: Final = "#ffffff"
BLACK: Final = "#000000"
#: Errors and warnings in text: a dark red that keeps 7:1 on white.
ERROR: Final = "#b00020"
#: A problem's "warning" label: a dark amber that keeps 7:1 on white.
WARNING: Final = "#7a4a00"
#: "Saved", "no problems": a dark green.
OK: Final = "#14532d"
#: Secondary text (a card's subtitle, row keys), hall outlines.
MUTED: Final = "#495057"
#: Lines between table rows, panel borders, a legend's hidden zones.
RULE: Final = "#dee2e6"
#: The planner's side panel.
PANEL: Final = "#f8f9fa"

# --- the floor map ------------------------------------------------------------------
#: Okabe-Ito: told apart with every common colour-vision deficiency.
ZONE_COLOURS: Final[dict[str, str]] = {
    Zone.AUTOMOBILE: "#0072B2",
    Zone.AGRICULTURE: "#009E73",
    Zone.ENERGY: "#E69F00",
    Zone.DIGITAL: "#56B4E9",
    Zone.HEALTH: "#CC79A7",
    Zone.SERVICES: "#F0E442",
}
#: A booth whose zone the palette does not know (the planner draws it so).
UNZONED: Final = "#ced4da"
MAP_GROUND: Final = "#e9ecef"
HALL_FILL: Final = WHITE
HALL_LINE: Final = MUTED
HALL_LABEL: Final = "#343a40"
#: The box under a hall's name (a hall name stays readable over booths and icons).
HALL_LABEL_BG: Final = WHITE
OBSTACLE_FILL: Final = "#adb5bd"
OBSTACLE_LINE: Final = "#6c757d"
BOOTH_LINE: Final = "#212529"
LEGEND_TEXT: Final = "#444444"
LEGEND_HIDDEN: Final = RULE
#: The chosen booth, the route, its end, "You are here", a planner's problem outlines.
ROUTE: Final = "#d00000"
#: The planner's selected booths and the corners being edited.
SELECTION: Final = "#1d4ed8"
#: The kiosk's chosen booth: white text on a deep red (over 12:1; WCAG AA needs 4.5:1),
#: dark enough to stand out 3:1 from the darkest zone colour too.
SELECTED_FILL: Final = "#6b000d"
SELECTED_TEXT: Final = WHITE
#: Search hits and a browsed zone's booths lit up on the map: white on a strong blue.
HIT_FILL: Final = SELECTION
HIT_TEXT: Final = WHITE
HIT_LINE: Final = BLACK
#: Booth numbers and names: dark text on a light box over the booth's zone colour.
BOOTH_LABEL: Final = "#212529"
BOOTH_LABEL_BG: Final = WHITE
#: How opaque the light box under a booth's label is (the contrast test blends it).
BOOTH_LABEL_BG_ALPHA: Final = 0.85
#: The north arrow and scale bar.
MAP_GUIDE: Final = "#212529"
#: Doors on the planner's map, by kind: ways out green, connections blue (Okabe-Ito).
OPENING_COLOURS: Final[dict[str, str]] = {
    "entrance": "#009E73",
    "exit": "#009E73",
    "emergency_exit": "#00734f",
    "connection": "#0072B2",
}
#: The strip in front of a door that booths keep clear, and the space at a kiosk's screen.
KEEP_CLEAR: Final = "#D55E00"
#: Kiosks and amenities on the planner's map.
KIOSK: Final = "#6a3d9a"
AMENITY: Final = "#495057"
#: Colours of the planner's diff overlay (Okabe-Ito, as the zones).
DIFF_COLOURS: Final[dict[str, str]] = {
    "added": "#009E73",
    "removed": "#D55E00",
    "moved": "#0072B2",
    "moved_from": "#0072B2",
    "changed": "#E69F00",
}

#: An import's preview on the planner's map: the drawing's halls and booths (dashed,
#: over the open layout), and the booths an exhibitor list fills.
IMPORT_PREVIEW: Final = "#CC79A7"

# --- the connection banner (kiosk and planner, while the server is out of reach) -----
#: A calm pale blue with dark blue-black text (over 12:1), not an alarm.
BANNER_BG: Final = "#e7f1ff"
BANNER_FG: Final = "#0b2545"
BANNER_LINE: Final = "#1d4ed8"
#: Dims the page under the planner's draft offer (the banner's ink, 35 % opaque).
BACKDROP: Final = "#0b254559"

# --- high contrast (WCAG AAA, over 7:1): white or yellow on black, black on yellow ---
HC_FG: Final = WHITE
HC_BG: Final = BLACK
HC_ACCENT: Final = "#ffff00"
#: The map in high contrast: black outlines on a white ground.
HC_MAP_GROUND: Final = WHITE
HC_MAP_LINE: Final = BLACK

# --- the staff page -----------------------------------------------------------------
#: The limit that binds a hall's capacity, and halls whose exits bind it on the map.
BINDING: Final = "#ffe08a"
#: Halls whose occupant load binds, on the printable report's map.
UNBOUND_HALL: Final = "#e8f0fe"
#: Table cell borders.
TABLE_LINE: Final = "#cccccc"
#: Outlines on the staff page's plots and the report's map.
OUTLINE: Final = "#333333"
#: Booths under a staff plot.
STAFF_BOOTH_FILL: Final = "#cccccc"
STAFF_BOOTH_LINE: Final = "#999999"
#: The simulated agents.
AGENT: Final = "#d7301f"
#: Verdicts: an alarm is white on the error red (7:1), a warning amber ink on pale
#: amber, "within limits" green ink on pale green (both over 7:1).
ALARM_BG: Final = ERROR
ALARM_FG: Final = WHITE
WARN_BG: Final = "#fff3cd"
OK_BG: Final = "#e6f4ea"
#: The chart of people against capacity: a hall's line (Okabe-Ito, by hall), capacity.
CHART_COLOURS: Final = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")
CAPACITY_LINE: Final = ERROR
#: Fruin's levels of service, green (A) to red (F) (ColorBrewer RdYlGn).
LOS_COLOURS: Final[dict[str, str]] = {
    "A": "#1a9850",
    "B": "#91cf60",
    "C": "#d9ef8b",
    "D": "#fee08b",
    "E": "#fc8d59",
    "F": "#d73027",
}

#: The colours style sheets and templates use, as ``var(--fp-NAME)``.
CSS_VARIABLES: Final[dict[str, str]] = {
    "error": ERROR,
    "warning": WARNING,
    "ok": OK,
    "muted": MUTED,
    "rule": RULE,
    "panel": PANEL,
    "outline": BOOTH_LINE,
    "hc-fg": HC_FG,
    "hc-bg": HC_BG,
    "hc-accent": HC_ACCENT,
    "binding": BINDING,
    "table-line": TABLE_LINE,
    "alarm-bg": ALARM_BG,
    "alarm-fg": ALARM_FG,
    "warn-bg": WARN_BG,
    "ok-bg": OK_BG,
    "banner-bg": BANNER_BG,
    "banner-fg": BANNER_FG,
    "banner-line": BANNER_LINE,
    "backdrop": BACKDROP,
    **{f"diff-{kind}": colour for kind, colour in DIFF_COLOURS.items()},
    # The log-in and error pages (templates/auth.html): the logo draws booths by zone.
    "white": WHITE,
    "ground": MAP_GROUND,
    "route": ROUTE,
    "link": SELECTION,
    **{f"zone-{zone}": colour for zone, colour in ZONE_COLOURS.items()},
}


#: The phone page's map and text colours, as ``var(--fp-NAME)`` in ``/m/theme.css`` (with
#: :data:`CSS_VARIABLES` and the zones as ``zone-NAME``).
PHONE_VARIABLES: Final[dict[str, str]] = {
    "map-ground": MAP_GROUND,
    "hall-fill": HALL_FILL,
    "hall-line": HALL_LINE,
    "hall-label": HALL_LABEL,
    "booth-line": BOOTH_LINE,
    "obstacle-fill": OBSTACLE_FILL,
    "obstacle-line": OBSTACLE_LINE,
    "unzoned": UNZONED,
    "route": ROUTE,
    "text": BLACK,
    "halo": WHITE,
    "bg": WHITE,
    **{f"zone-{zone}": colour for zone, colour in ZONE_COLOURS.items()},
}


def variables_css() -> str:
    """Return the style rule that defines :data:`CSS_VARIABLES` for a page and its widgets."""
    body = " ".join(f"--fp-{name}: {colour};" for name, colour in CSS_VARIABLES.items())
    return f":host, :root {{ {body} }}"

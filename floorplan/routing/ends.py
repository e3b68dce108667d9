"""The ends of walks: shortest-path trees from points, and the cached last legs onto targets.

A query joins its origin to the graph nodes it sees (in its own hall and, through a door,
in the next), runs one Dijkstra (:meth:`WalkGraph.dijkstra`) and then picks the end: for a
point, the best visible node; for a booth or a door, ``argmin(dist[nodes] + legs)`` over
the target's *ends*, the walkable last legs from every node that sees it, computed once per
target and cached (eagerly for all booths up to :data:`WARM_BOOTHS`). Kiosks do not move:
their shortest-path trees are computed once, so a kiosk query is only the end step.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray

from floorplan.errors import NoRouteError, PlaceError
from floorplan.routing import visibility as V
from floorplan.routing.graph import Array, WalkGraph
from floorplan.routing.places import Places, Target
from floorplan.routing.route import Place
from floorplan.schema import Col

__all__ = ["WARM_BOOTHS", "WARM_PAIRS", "Ends", "EndsCache", "Tree", "feet"]

#: Candidate ends tested per vectorised visibility batch.
_END_BATCH = 64
#: Booths' ends are computed when the router is built up to this many booths.
WARM_BOOTHS = 5_000
#: ... and only in halls where graph nodes times booth corners stay under this, for the
#: work of a hall's ends grows with it. Measured (CPU, 2-core machine): the dense
#: benchmark hall of 506 boxes, 5.1 million, 3 s as before; fifty round booths of 64
#: corners, 10 million, 1.2 s; two hundred of them, 164 million, would take about 20 s.
#: Beyond it a booth's ends cost 20-60 ms on its first query, in those halls.
WARM_PAIRS = 6_000_000
#: Booths whose ends are computed in one vectorised pass (bounds the arrays' size).
_WARM_BATCH = 64

#: The best end of a walk: its length, the last graph node (-1: straight from the
#: origin) and the end point.
BestEnd = tuple[float, int, Array]


@dataclass
class Ends:
    """The last legs onto a booth or door from the graph nodes that see it.

    Per candidate: the node (as hall and index within the hall, so that rebuilding one
    hall leaves the others' entries valid), the straight leg's length, where it ends and
    the door it passes (-1: none; an accessible route skips stepped doors).
    """

    hall: NDArray[np.int64]
    local: NDArray[np.int64]
    leg: Array
    end: Array
    door: NDArray[np.int64]
    halls_used: tuple[int, ...]


@dataclass
class Tree:
    """Shortest walking distances from one origin point to every graph node."""

    origin: Array
    hall: int
    dist: Array
    pred: NDArray[np.int32]


class EndsCache:
    """The kiosks' trees and the booths' and doors' last legs, cached per router.

    Parameters
    ----------
    graph, places
        The walking graph and the places resolved on it.
    """

    def __init__(self, graph: WalkGraph, places: Places) -> None:
        self.graph = graph
        self.places = places
        self.trees: dict[tuple[str, bool], Tree] = {}
        self.ends: dict[str, Ends] = {}

    def forget(self, halls: set[int] | None = None) -> None:
        """Drop the cached ends (those that use one of ``halls``, or all)."""
        if halls is None:
            self.ends = {}
        else:
            self.ends = {p: e for p, e in self.ends.items() if not halls & set(e.halls_used)}

    def warm(self, halls: Iterable[int]) -> None:
        """Compute the kiosks' trees, and booths' ends in ``halls`` on a venue not too big.

        Kiosks do not move: their shortest-path trees are computed here, once, so that a
        kiosk query is only the last step. Booths' ends (:meth:`ends_of`) cost about a
        millisecond each: computed here up to :data:`WARM_BOOTHS` booths (the bundled
        venue: 0.3 s), lazily on first use beyond (74,000 booths would take minutes), and
        lazily too in a hall of more than :data:`WARM_PAIRS` nodes times booth corners.
        """
        self.trees = {}
        for kid in self.places.kiosk_xy:
            self.trees[(kid, False)] = self.tree(self.places.resolve(kid), accessible=False)
        if len(self.places.booth_ids) > WARM_BOOTHS:
            return
        booth_hall, costly = self._costly_halls()
        wanted = set(halls) - costly
        by_hall: dict[int, list[tuple[str, Target]]] = {}
        for bid in self.places.booth_ids:
            if bid in self.ends or booth_hall.get(bid, -1) in costly:
                continue
            try:
                target = self.places.resolve(bid)
            except (PlaceError, NoRouteError):
                continue  # the query will say why
            if target.hall in wanted:
                by_hall.setdefault(target.hall, []).append((bid, target))
        for todo in by_hall.values():
            for lo in range(0, len(todo), _WARM_BATCH):
                part = todo[lo : lo + _WARM_BATCH]
                self.ends_many([b for b, _ in part], [x for _, x in part])

    def _costly_halls(self) -> tuple[dict[str, int], set[int]]:
        """Return each booth's hall (by the venue) and the halls over :data:`WARM_PAIRS`."""
        g = self.graph
        booths = g.venue.booths
        if len(booths) == 0:
            return {}, set()
        hall = np.array([g.hall_index.get(str(h), -1) for h in booths[Col.HALL_ID]])
        corners = shapely.get_num_coordinates(np.asarray(booths.geometry.values))
        nodes = np.diff(g.offset)
        costly = {
            k
            for k in range(len(nodes))
            if int(nodes[k]) * int(corners[hall == k].sum()) > WARM_PAIRS
        }
        ids = [str(b) for b in booths[Col.BOOTH_ID]]
        return dict(zip(ids, hall.tolist(), strict=True)), costly

    # ------------------------------------------------------------------ trees

    def tree(self, origin: Target, *, accessible: bool) -> Tree:
        """Run Dijkstra from a point origin over the whole graph."""
        p = origin.point
        nodes, dists = self.graph.sources(p, origin.hall, accessible)
        dist, pred = self.graph.dijkstra(nodes, dists, accessible)
        return Tree(p, origin.hall, dist, pred)

    def origin_tree(self, place: Place, origin: Target, accessible: bool) -> Tree:
        """Return the tree from a point place (a kiosk's is cached)."""
        key = (place, accessible) if isinstance(place, str) else None
        if key is not None and key in self.trees:
            return self.trees[key]
        tree = self.tree(origin, accessible=accessible)
        if key is not None and key[0] in self.places.kiosk_xy:
            self.trees[key] = tree
        return tree

    # ------------------------------------------------------------------- ends

    def best_end(self, tree: Tree, target: Target, accessible: bool) -> BestEnd | None:
        """Return ``(length, last node or -1 for the origin, end point)`` or None.

        Candidates pair every reached node near the target (and the origin) with the
        point of each target segment nearest to it; they are tried in order of length, so
        the first walkable one is the shortest route.
        """
        g = self.graph
        t = target.hall
        halls = g.next_halls(t, accessible)
        srcs, costs, hall_of, node_of = [], [], [], []
        for h in halls:
            idx = np.arange(g.offset[h], g.offset[h + 1])
            idx = idx[np.isfinite(tree.dist[idx])]
            srcs.append(g.xy[idx])
            costs.append(tree.dist[idx])
            hall_of.append(np.full(len(idx), h))
            node_of.append(idx)
        if tree.hall in halls:
            srcs.append(tree.origin[None, :])
            costs.append(np.zeros(1))
            hall_of.append(np.array([tree.hall]))
            node_of.append(np.array([-1]))
        src = np.concatenate(srcs)
        cost = np.concatenate(costs)
        segs = target.segs
        if len(src) == 0 or len(segs) == 0:
            return None
        foot = feet(src, segs)
        total = cost[:, None] + np.hypot(*(foot - src[:, None, :]).transpose(2, 0, 1))
        return self._first_walkable(
            total, foot, src, np.concatenate(hall_of), np.concatenate(node_of), t, accessible
        )

    def _first_walkable(  # noqa: PLR0917 - private, the arrays of best_end
        self,
        total: Array,
        foot: Array,
        src: Array,
        shall: NDArray[np.int64],
        snode: NDArray[np.int64],
        t: int,
        accessible: bool,
    ) -> BestEnd | None:
        """Return the shortest candidate of :meth:`best_end` that is walkable, or None."""
        g = self.graph
        order = np.argsort(total, axis=None)
        n_seg = total.shape[1]
        for lo in range(0, len(order), _END_BATCH):
            chunk = order[lo : lo + _END_BATCH]
            ci, cj = chunk // n_seg, chunk % n_seg
            ok = np.ones(len(chunk), dtype=bool)
            nodes = snode[ci]
            is_node = nodes >= 0
            if is_node.any():
                ok[is_node] = g.tangent(nodes[is_node], foot[ci[is_node], cj[is_node]])
            for h in np.unique(shall[ci]):
                sel = ok & (shall[ci] == h)
                if sel.any():
                    ok[sel] = g.visible(src[ci[sel]], foot[ci[sel], cj[sel]], int(h), t, accessible)
            if ok.any():
                first = int(np.flatnonzero(ok)[0])
                i, j = ci[first], cj[first]
                return float(total[i, j]), int(snode[i]), foot[i, j]
        return None

    def ends_of(self, key: str, target: Target) -> Ends:
        """Return (and cache) the last legs onto a booth or door from every node.

        From a node the walk ends at the nearest point of one of the target's segments
        (the foot of the perpendicular, or a segment end) if that leg is walkable and
        tangent at the node. The legs do not depend on the origin, so they are computed
        once per target and a query is ``argmin(dist[nodes] + legs)``: no geometry.
        """
        hit = self.ends.get(key)
        if hit is None:
            self.ends_many([key], [target])
            hit = self.ends[key]
        return hit

    def ends_many(self, keys: list[str], targets: list[Target]) -> None:
        """Compute the ends of several targets of one hall in one vectorised pass.

        Only pairs of a node and a target that a line tangent at the node can reach
        (:func:`~floorplan.routing.visibility.tangent_reaches`, a necessary condition) get
        their segments' feet tested, in bounded chunks: the same ends as testing every
        node against every segment, in the same order, without arrays of nodes times
        segments (3,200 corners and 3,200 segments of fifty round booths made gigabytes).
        """
        g = self.graph
        t = targets[0].hall
        segs = np.concatenate([x.segs for x in targets]) if targets else np.zeros((0, 2, 2))
        counts = np.array([len(x.segs) for x in targets], dtype=np.int64)
        owner = np.repeat(np.arange(len(targets)), counts)
        # Runs of a few consecutive segments, each in its own disc: a corner's tangent
        # lines miss most runs of a round booth, its own booth's included.
        local = np.arange(len(segs)) - np.repeat(np.cumsum(counts) - counts, counts)
        _, run = np.unique(owner * (len(segs) + 1) + local // _RUN, return_inverse=True)
        run_counts = np.bincount(run, minlength=int(run.max()) + 1 if len(run) else 0)
        discs = _discs(segs, run, len(run_counts))
        doors = g.doors_of(t, accessible=False)
        halls = list(dict.fromkeys([t] + [o for _, o in doors]))
        cols: list[list[Any]] = [[] for _ in range(6)]  # owner, hall, local, src, end, door
        for h in halls:
            lo, hi = int(g.offset[h]), int(g.offset[h + 1])
            if hi == lo or len(segs) == 0:
                continue
            # Blocks in the order of the exhaustive pass: the hall's own, then each door.
            blocks = ([-1] if h == t else []) + [d for d, other in doors if other == h]
            found: dict[int, list[tuple[Any, ...]]] = {d: [] for d in blocks}
            for cand_i, cand_j in _node_segment_pairs(g, lo, hi, discs, run_counts):
                end = _foot_pairs(g.xy[lo + cand_i], segs[cand_j])
                ok = g.tangent(lo + cand_i, end)
                ii, jj, end = cand_i[ok], cand_j[ok], end[ok]
                a = g.xy[lo + ii]
                for d in blocks:
                    if d < 0:
                        vis = V.segments_inside(a, end, g.graphs[t].area)
                    else:
                        vis = V.door_crossing_ok(a, end, g.doors[d].seg)
                        vis[vis] = V.segments_inside(a[vis], end[vis], g.pair_areas[d])
                    found[d].append((owner[jj][vis], ii[vis], a[vis], end[vis]))
            for d in blocks:
                for ow, ii, a, end in found[d]:
                    vals = (ow, np.full(len(ii), h), ii, a, end, np.full(len(ii), d))
                    for col, val in zip(cols, vals, strict=True):
                        col.append(val)
        if cols[0]:
            ow_a, hall_a, local, door_a = (
                np.concatenate(cols[k]).astype(np.int64) for k in (0, 1, 2, 5)
            )
            src_a, end_a = np.concatenate(cols[3]), np.concatenate(cols[4])
        else:
            ow_a = hall_a = local = door_a = np.zeros(0, dtype=np.int64)
            src_a = end_a = np.zeros((0, 2))
        leg = np.hypot(*(end_a - src_a).T) if len(end_a) else np.zeros(0)
        for k, key in enumerate(keys):
            m = ow_a == k
            self.ends[key] = Ends(hall_a[m], local[m], leg[m], end_a[m], door_a[m], tuple(halls))

    def best_end_cached(
        self, tree: Tree, target: Target, ends: Ends, accessible: bool
    ) -> BestEnd | None:
        """Return what :meth:`best_end` returns, from the target's cached last legs."""
        g = self.graph
        best: BestEnd | None = None
        if len(ends.leg):
            glob = g.offset[ends.hall] + ends.local
            total = tree.dist[glob] + ends.leg
            if accessible:
                total[g.stepped[ends.door]] = np.inf  # door -1 reads the last: False
            k = int(np.argmin(total))
            if np.isfinite(total[k]):
                best = float(total[k]), int(glob[k]), ends.end[k]
        # Straight from the origin, when it is near: only legs shorter than the best.
        t = target.hall
        if tree.hall != t and tree.hall not in [o for _, o in g.doors_of(t, accessible)]:
            return best
        foot = feet(tree.origin[None, :], target.segs)[0]
        length = np.hypot(*(foot - tree.origin).T)
        order = np.argsort(length)
        if best is not None:
            order = order[length[order] < best[0]]
        if len(order) == 0:
            return best
        src = np.repeat(tree.origin[None, :], len(order), axis=0)
        ok = g.visible(src, foot[order], tree.hall, t, accessible)
        if ok.any():
            j = int(order[int(np.argmax(ok))])
            return float(length[j]), -1, foot[j]
        return best


def feet(src: Array, segs: Array) -> Array:
    """Return the point of each segment nearest to each source, ``(n_src, n_seg, 2)``."""
    a = segs[None, :, 0, :]
    d = segs[None, :, 1, :] - a
    dd = (d**2).sum(-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        s = np.where(dd > 0, ((src[:, None, :] - a) * d).sum(-1) / dd, 0.0)
    return np.asarray(a + np.clip(s, 0, 1)[..., None] * d)


#: Node-segment pairs tested per chunk in :meth:`EndsCache.ends_many`.
_PAIR_BATCH = 200_000
#: Consecutive segments of a target tested against a node's tangent lines as one disc.
_RUN = 8


def _discs(segs: Array, owner: NDArray[np.int64], k: int) -> tuple[Array, Array]:
    """Return a disc (centre, radius) holding the segments of each ``owner``."""
    centre = np.zeros((k, 2))
    radius = np.zeros(k)
    if len(segs) == 0:
        return centre, radius
    pts = segs.reshape(-1, 2)
    who = np.repeat(owner, 2)
    lo = np.full((k, 2), np.inf)
    hi = np.full((k, 2), -np.inf)
    np.minimum.at(lo, who, pts)
    np.maximum.at(hi, who, pts)
    has = np.isfinite(lo).all(axis=1)
    centre[has] = (lo[has] + hi[has]) / 2
    np.maximum.at(radius, who, np.hypot(*(pts - centre[who]).T))
    return centre, radius


def _node_segment_pairs(
    g: WalkGraph, lo: int, hi: int, discs: tuple[Array, Array], counts: NDArray[np.int64]
) -> Iterator[tuple[NDArray[np.int64], NDArray[np.int64]]]:
    """Yield ``(local node, segment)`` pairs whose node may see its segment tangentially.

    ``counts``: segments per run (runs in the segments' order), ``discs``: each run's.
    Node-major (then segment), as the exhaustive pass orders them, in chunks of about
    :data:`_PAIR_BATCH` pairs.
    """
    centre, radius = discs
    k = len(counts)
    first = np.cumsum(counts) - counts
    n = hi - lo
    step = max(1, _PAIR_BATCH // max(k, int(counts.sum()) // 8, 1))
    for a in range(0, n, step):
        nodes = np.arange(a, min(n, a + step))
        ni, ti = np.divmod(np.arange(len(nodes) * k), k)
        gl = lo + nodes[ni]
        ok = V.tangent_reaches(g.xy[gl], g.prev[gl], g.next[gl], centre[ti], radius[ti])
        ni, ti = ni[ok], ti[ok]
        c = counts[ti]
        rep = np.repeat(np.arange(len(ti)), c)
        jj = first[ti][rep] + np.arange(len(rep)) - np.repeat(np.cumsum(c) - c, c)
        yield nodes[ni][rep], jj


def _foot_pairs(src: Array, segs: Array) -> Array:
    """Return the point of each segment ``segs[k]`` nearest to ``src[k]`` (as :func:`feet`)."""
    a = segs[:, 0, :]
    d = segs[:, 1, :] - a
    dd = (d**2).sum(-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        s = np.where(dd > 0, ((src - a) * d).sum(-1) / dd, 0.0)
    return np.asarray(a + np.clip(s, 0, 1)[..., None] * d)

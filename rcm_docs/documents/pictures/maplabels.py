"""Names on the maps (maps.py): each beside or on what it names, inside the frame, clear of the names and
symbols already placed and, where it can be, off other countries' land."""
from __future__ import annotations

from ...intake.readers import places

CHAR_CM = 0.52 * 0.0353  # average width of a Lato character per point of size, in cm


def _bbox(points) -> tuple[float, float, float, float]:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), max(xs), min(ys), max(ys)


def overlaps(a, b) -> bool:
    return a[0] <= b[1] and b[0] <= a[1] and a[2] <= b[3] and b[2] <= a[3]


class Land:
    """The map's shapes in cm, by whose they are: which land a point of a label falls on."""

    def __init__(self):
        self.shapes: list[tuple[str, tuple, list]] = []

    def add(self, owner: str, rings: list[list[float]]) -> None:
        for r in rings:
            pts = list(zip(r[0::2], r[1::2]))
            self.shapes.append((owner, _bbox(pts), pts))

    def owner(self, x: float, y: float) -> str | None:
        return next((o for o, b, pts in self.shapes
                     if b[0] <= x <= b[1] and b[2] <= y <= b[3] and places.inside(x, y, pts)), None)

    def visible_centre(self, owner: str, width: float, height: float) -> tuple[float, float] | None:
        """A point on the part of owner's land the frame shows, for its name (a neighbour's); None when that
        part is small (an island) or not its mainland (French Guiana is France's in Natural Earth)."""
        rings = [(b, ring) for o, b, ring in self.shapes if o == owner]
        if not rings:
            return None
        main = max(rings, key=lambda r: (r[0][1] - r[0][0]) * (r[0][3] - r[0][2]))[1]
        pts = [p for p in main if 0.4 < p[0] < width - 0.4 and 0.3 < p[1] < height - 0.3]
        if len(pts) < 3:
            return None
        box = _bbox(pts)
        if box[1] - box[0] < 1.2 or box[3] - box[2] < 0.6:
            return None
        c = (sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts))
        return c if self.owner(*c) == owner else None


class Labels:
    def __init__(self, view: View, land: Land):
        self.view, self.land, self.taken, self.out = view, land, [], []

    def place(self, x: float, y: float, lines: list[tuple[str, float]], gap: float, style: str,
              own: str | None = None, order=("right", "left", "above", "below"), within: bool = False) -> bool:
        """A label of (text, size pt) lines at (x, y) (centred) or beside it at gap cm, in the first position
        of `order` inside the frame, clear of labels and symbols already placed and least on other countries'
        land (a name over the neighbour reads as the neighbour's); within: only where it lies wholly on own's
        land. False if no position is clear."""
        w = max(len(t) * size * CHAR_CM for t, size in lines) + 0.25  # the halo's inset and a little air
        h = sum(size * 0.0353 * 1.3 for _, size in lines)
        at = {"center": ("center", x - w / 2, y - h / 2), "right": ("left", x + gap, y - h / 2),
              "left": ("right", x - gap - w, y - h / 2), "above": ("center", x - w / 2, y - gap - h),
              "below": ("center", x - w / 2, y + gap)}
        best = None
        for rank, where in enumerate(order):
            anchor, lx, ly = at[where]
            box = (lx, lx + w, ly, ly + h)
            if (box[0] < 0.05 or box[1] > self.view.width - 0.05 or box[2] < 0.05 or box[3] > self.view.height - 0.05
                    or any(overlaps(box, t) for t in self.taken)):
                continue
            samples = [(box[0], box[2]), (box[1], box[2]), (box[0], box[3]), (box[1], box[3]),
                       ((box[0] + box[1]) / 2, (box[2] + box[3]) / 2)]
            owners = [self.land.owner(*p) for p in samples] if own else []
            if within and any(o != own for o in owners):
                continue
            foreign = sum(1 for o in owners if o not in (None, own))
            if best is None or (foreign, rank) < best[0]:
                best = ((foreign, rank), anchor, box)
        if best is None:
            return False
        _, anchor, box = best
        self.taken.append(box)
        self.out.append({"x": round(box[0], 3), "y": round(box[2], 3), "w": round(box[1] - box[0], 3),
                         "anchor": anchor, "lines": [t for t, _ in lines], "sizes": [s for _, s in lines],
                         "style": style})
        return True

    def neighbours(self, names: dict[str, str]) -> None:
        """The neighbours' names, in grey, where their visible land has room."""
        for code, name in sorted(names.items()):
            c = self.land.visible_centre(code, self.view.width, self.view.height)
            if c:
                self.place(*c, [(name, 6.5)], 0.0, "neighbour", order=("center",))

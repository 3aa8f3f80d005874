"""The demo district's map: nested rectangles that tile exactly.

Coordinates are computed in integer micro-degrees and converted once, so two neighbouring
cells share bit-identical edges and the grids of a community tile it with no gap or overlap.
District → 5 streets side by side → 2 × 3 communities each → 5 × 2 grids each.
"""

from dataclasses import dataclass

MICRO = 1_000_000
ORIGIN = (111_255_000, 23_462_000)  # south-west corner of the demo district (Wuzhou, WGS-84)
COMMUNITY_SIZE = (6_000, 5_000)  # about 600 m × 550 m
COMMUNITY_LAYOUT = (2, 3)  # communities per street: columns × rows
GRID_LAYOUT = (5, 2)  # grids per community: columns × rows
GRIDS_PER_COMMUNITY = GRID_LAYOUT[0] * GRID_LAYOUT[1]


@dataclass(frozen=True)
class Rect:
    west: int
    south: int
    east: int
    north: int

    def polygon(self) -> dict:
        w, s, e, n = (v / MICRO for v in (self.west, self.south, self.east, self.north))
        return {"type": "Polygon", "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]]}

    def centroid(self) -> tuple[float, float]:
        """(lat, lon) of the centre."""
        return ((self.south + self.north) / 2 / MICRO, (self.west + self.east) / 2 / MICRO)

    def point(self, fx: float, fy: float) -> tuple[float, float]:
        """(lat, lon) at fractions fx, fy of the width and height from the south-west corner."""
        lon = (self.west + (self.east - self.west) * fx) / MICRO
        lat = (self.south + (self.north - self.south) * fy) / MICRO
        return round(lat, 6), round(lon, 6)

    def split(self, columns: int, rows: int) -> list["Rect"]:
        """Cells row by row from the north-west, the way a map is read."""
        xs = [self.west + (self.east - self.west) * i // columns for i in range(columns + 1)]
        ys = [self.north - (self.north - self.south) * j // rows for j in range(rows + 1)]
        return [
            Rect(xs[i], ys[j + 1], xs[i + 1], ys[j]) for j in range(rows) for i in range(columns)
        ]


def street_rect(index: int) -> Rect:
    width = COMMUNITY_SIZE[0] * COMMUNITY_LAYOUT[0]
    height = COMMUNITY_SIZE[1] * COMMUNITY_LAYOUT[1]
    west = ORIGIN[0] + index * width
    return Rect(west, ORIGIN[1], west + width, ORIGIN[1] + height)


def district_rect(streets: int) -> Rect:
    first, last = street_rect(0), street_rect(streets - 1)
    return Rect(first.west, first.south, last.east, last.north)


def community_rects(street: Rect) -> list[Rect]:
    return street.split(*COMMUNITY_LAYOUT)


def grid_rects(community: Rect) -> list[Rect]:
    return community.split(*GRID_LAYOUT)

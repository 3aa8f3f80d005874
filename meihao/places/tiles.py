"""The optional tile service drawn under the self-drawn base map (settings.PLACES_TILES).

Read by settings.py before Django is set up, so this module imports nothing of Django's models.
Every map draws the district's own streets, communities, grids, buildings and venues; a tile
service only adds the rest of the world underneath (roads, rivers, other districts). 天地图
serves WGS-84 (CGCS2000) tiles; most Chinese commercial services (高德, 腾讯) serve GCJ-02 ones,
and the maps then project every coordinate through GCJ-02 so the district's data stays where
it belongs over them (places/static/places/gcj02.js).
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

CRS_CHOICES = ("wgs84", "gcj02")
DEFAULT_SUBDOMAINS = "abc"  # Leaflet's own default for {s}


class TileSettingError(ValueError):
    """The tile setting cannot be used; the message says which variable and why."""


@dataclass(frozen=True)
class TileService:
    url: str  # Leaflet's template: {z}/{x}/{y}, {s} for a subdomain; "" for none
    attribution: str
    subdomains: str  # each character one value of {s}
    crs: str  # "wgs84" or "gcj02": the datum the tiles are drawn in
    max_zoom: int

    @property
    def origins(self) -> list[str]:
        """The scheme://host of every address the tiles come from (for the CSP's img-src)."""
        if not self.url:
            return []
        parts = urlsplit(self.url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if "{s}" not in origin:
            return [origin]
        return sorted({origin.replace("{s}", s) for s in self.subdomains})

    def as_config(self) -> dict | None:
        """What the maps' script needs, or None without a tile service."""
        if not self.url:
            return None
        return {
            "url": self.url,
            "attribution": self.attribution,
            "subdomains": self.subdomains,
            "crs": self.crs,
            "maxZoom": self.max_zoom,
        }


def tile_service(
    url: str, *, attribution: str = "", subdomains: str = "", crs: str = "", max_zoom: int = 18
) -> TileService:
    """A checked TileService from the PLACES_TILE_* variables, or TileSettingError."""
    url = (url or "").strip()
    crs = (crs or "wgs84").strip().lower()
    subdomains = (subdomains or "").strip() or DEFAULT_SUBDOMAINS
    if crs not in CRS_CHOICES:
        raise TileSettingError(f"PLACES_TILE_CRS={crs!r}: use one of {', '.join(CRS_CHOICES)}.")
    if not 1 <= max_zoom <= 22:
        raise TileSettingError(f"PLACES_TILE_MAX_ZOOM={max_zoom}: use 1 to 22.")
    if url:
        parts = urlsplit(url)
        if parts.scheme not in ("https", "http") or not parts.netloc:
            raise TileSettingError(
                f"PLACES_TILE_URL={url!r} must be an http(s) address with a host, such as "
                "https://tiles.example.gov.cn/{z}/{x}/{y}.png"
            )
        if not all(part in url for part in ("{z}", "{x}", "{y}")):
            raise TileSettingError(f"PLACES_TILE_URL={url!r} must contain {{z}}, {{x}} and {{y}}.")
        if any(c in parts.netloc for c in " ;,'\""):
            raise TileSettingError(f"PLACES_TILE_URL={url!r}: the host is not a host name.")
        if not subdomains.isalnum():
            raise TileSettingError(
                f"PLACES_TILE_SUBDOMAINS={subdomains!r}: letters or digits, one per subdomain."
            )
    return TileService(
        url=url, attribution=attribution or "", subdomains=subdomains, crs=crs, max_zoom=max_zoom
    )

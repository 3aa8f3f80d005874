"""Unified social credit codes (统一社会信用代码), GB 32100-2015: the 18-character code of every
organisation, government bodies included (they start with 11 and the region's division code)."""

import re
import unicodedata

# The 31 characters of the code, in value order: digits and capitals without I, O, S, V, Z.
CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_PATTERN = re.compile(rf"^[{CHARSET}]{{18}}$")


def check_char(first17: str) -> str:
    total = sum(CHARSET.index(c) * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def normalise(value: str) -> str:
    """Trim, fold full-width characters and upper-case, as people type the code."""
    return unicodedata.normalize("NFKC", value or "").strip().upper()


def is_valid(code: str) -> bool:
    return bool(_PATTERN.match(code)) and check_char(code[:17]) == code[17]


def with_check_char(first17: str) -> str:
    return first17 + check_char(first17)

"""QR codes on pages: segno's inline SVG, which it writes itself from the encoded text."""

import segno
from django.utils.safestring import mark_safe


def qr_svg(text: str, *, css_class: str) -> str:
    """An inline SVG of a QR code of `text` (a pass token, a guide's address), sized by CSS."""
    return mark_safe(  # noqa: S308 - segno's own markup; the text is encoded, never inserted
        segno.make(text, error="m", micro=False).svg_inline(
            scale=1, border=2, omitsize=True, svgclass=css_class
        )
    )

"""QR codes for the ballot slips, drawn here (segno, pure Python): no outside service sees the
codes, and the intranet needs no internet."""

from __future__ import annotations

import segno


def svg(data: str, *, scale: int = 3) -> str:
    """An inline <svg> element of a QR code for `data` (error correction M: a creased or
    smudged slip still scans)."""
    return str(segno.make(data, error="m", micro=False).svg_inline(scale=scale, border=2))

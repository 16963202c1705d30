"""Claim extraction: the quantitative claims in Chinese report prose.

Framework-free (no Django). Typical use::

    for claim in extract("完成辖区内698家企业第一轮调研走访，筹集一百余万元资金"):
        claim.value, claim.unit, claim.approx, claim.counted
    # (Decimal('698'), '家', '', '企业'), (Decimal('1000000'), '元', '余', '资金')

Values are in the base unit (万元 → 元, 亿吨 → 吨); offsets index the original string. Dates,
periods, ordinals, list markers, names built from numerals (三会一课) and codes are left out.
docs/claims.md states every rule and the measured precision and recall.
"""

from .extract import Claim, extract
from .lexicon import APPROX_KIND, UNITS
from .numerals import parse_arabic, parse_chinese

__all__ = ["APPROX_KIND", "UNITS", "Claim", "extract", "parse_arabic", "parse_chinese"]

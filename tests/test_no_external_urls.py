"""Government intranets have no internet: nothing may be loaded from another host.

Scans templates/ and static/ (html, css, js, svg) for absolute or protocol-relative URLs in
places a browser would fetch or follow them: src=/href=/action=…, CSS url() and @import,
and script loaders (fetch, import, XHR, workers). Prose in vendor files — licence headers,
comments, error messages that cite a web page — is not a load and is not flagged; neither is
the SVG/XHTML namespace, which is an identifier, not an address.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
SCANNED_DIRS = ("templates", "static")
SCANNED_SUFFIXES = {".html", ".htm", ".css", ".js", ".mjs", ".svg"}

# Identifiers that look like URLs but are never fetched.
ALLOWED = (
    "http://www.w3.org/2000/svg",
    "http://www.w3.org/1999/xhtml",
    "http://www.w3.org/1999/xlink",
)

_URL = r"""(?P<url>(?:[a-z][a-z0-9+.-]*:)?//[^\s"'()<>]+)"""
_Q = r"""["']?\s*"""
LOADING_PATTERNS = [
    # HTML / SVG attributes that fetch or navigate.
    re.compile(
        r"""\b(?:src|href|xlink:href|action|formaction|srcset|poster|data|background|manifest|ping)"""
        rf"""\s*=\s*{_Q}{_URL}""",
        re.IGNORECASE,
    ),
    # <meta http-equiv="refresh" content="0; url=…">
    re.compile(rf"""content\s*=\s*["'][^"']*url\s*=\s*{_URL}""", re.IGNORECASE),
    # CSS.
    re.compile(rf"""url\(\s*{_Q}{_URL}""", re.IGNORECASE),
    re.compile(rf"""@import\s+(?:url\()?\s*{_Q}{_URL}""", re.IGNORECASE),
    # JavaScript loaders and DOM properties.
    re.compile(
        rf"""\b(?:fetch|import|importScripts|open|sendBeacon|Worker|SharedWorker|EventSource|WebSocket)"""
        rf"""\s*\(\s*(?:["'](?:GET|POST|PUT|DELETE|PATCH|HEAD)["']\s*,\s*)?["'`]{_URL}""",
        re.IGNORECASE,
    ),
    re.compile(rf"""\bfrom\s*["']{_URL}"""),
    re.compile(rf"""\.(?:src|href|action)\s*=\s*["'`]{_URL}"""),
    re.compile(rf"""setAttribute\(\s*["'](?:src|href|action)["']\s*,\s*["'`]{_URL}"""),
    re.compile(rf"""sourceMappingURL\s*=\s*{_URL}"""),
]


def external_urls(text: str) -> list[str]:
    """Absolute or protocol-relative URLs that a browser would load or follow."""
    found = []
    for pattern in LOADING_PATTERNS:
        for match in pattern.finditer(text):
            url = match.group("url").rstrip(";,")
            if url.startswith(ALLOWED):
                continue
            found.append(url)
    return found


def scanned_files() -> list[Path]:
    files = []
    for directory in SCANNED_DIRS:
        for path in sorted((ROOT / directory).rglob("*")):
            if path.is_file() and path.suffix.lower() in SCANNED_SUFFIXES:
                files.append(path)
    return files


def test_the_scan_covers_templates_and_vendor_assets() -> None:
    names = {p.relative_to(ROOT).as_posix() for p in scanned_files()}
    assert "templates/base.html" in names
    assert "static/vendor/bootstrap/bootstrap.min.css" in names
    assert "static/vendor/bootstrap/bootstrap.bundle.min.js" in names


@pytest.mark.parametrize("path", scanned_files(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_external_urls(path: Path) -> None:
    urls = external_urls(path.read_text(encoding="utf-8", errors="replace"))
    assert not urls, f"{path.relative_to(ROOT)} loads from another host: {sorted(set(urls))}"


_STATIC_TAG = re.compile(r"""{%\s*static\s+["']([^"']+)["']\s*%}""")


def test_every_static_reference_exists_locally() -> None:
    missing = []
    for template in (ROOT / "templates").rglob("*.html"):
        for ref in _STATIC_TAG.findall(template.read_text(encoding="utf-8")):
            if not (ROOT / "static" / ref).is_file():
                missing.append(f"{template.relative_to(ROOT)}: {ref}")
    assert not missing, missing


@pytest.mark.parametrize(
    "snippet",
    [
        '<script src="https://cdn.jsdelivr.net/npm/bootstrap@5.3.3/dist/js/bootstrap.min.js"></script>',
        "<link rel='stylesheet' href='//fonts.googleapis.com/css2?family=Noto+Sans+SC'>",
        '<link rel="stylesheet" href= "http://unpkg.com/tabler.css">',
        '<img SRC="https://example.com/logo.png">',
        '<form action="https://collect.example.com/">',
        "@import url('https://fonts.googleapis.com/css2?family=Noto+Serif+SC');",
        '@import "https://cdn.example.com/x.css";',
        "src: url(https://fonts.gstatic.com/s/notosanssc/v1/x.woff2) format('woff2');",
        'fetch("https://api.example.com/stats")',
        "xhr.open('GET', 'https://api.example.com/data')",
        'import x from "https://esm.sh/echarts"',
        "el.src = 'https://cdn.example.com/echarts.min.js'",
        '<meta http-equiv="refresh" content="0; url=https://example.com/">',
        "//# sourceMappingURL=https://cdn.example.com/x.js.map",
    ],
)
def test_the_scanner_catches_a_cdn_link(snippet: str) -> None:
    assert external_urls(snippet)


@pytest.mark.parametrize(
    "snippet",
    [
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"></svg>',
        "background-image:url(\"data:image/svg+xml,%3csvg xmlns='http://www.w3.org/2000/svg'%3e\")",
        "/*! Bootstrap v5.3 (https://getbootstrap.com/) | MIT (https://github.com/twbs/bootstrap/blob/main/LICENSE) */",
        'throw new TypeError("Bootstrap\'s dropdowns require Popper (https://popper.js.org)")',
        '<link rel="stylesheet" href="/static/vendor/bootstrap/bootstrap.min.css">',
        "<a href=\"{% url 'home' %}\">首页</a>",
        "//# sourceMappingURL=bootstrap.bundle.min.js.map",
    ],
)
def test_the_scanner_lets_local_references_and_prose_pass(snippet: str) -> None:
    assert external_urls(snippet) == []

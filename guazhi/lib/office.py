"""LibreOffice headless conversions: .doc / .wps / .docx to .docx or .pdf.

LibreOffice is optional. Callers ask `libreoffice_available()` or catch `OfficeUnavailable`;
both exceptions carry a Chinese message that can be shown to the user as it is.

Each conversion starts its own `soffice` with a private user profile in a temporary directory:
two soffice processes sharing one profile hand the job to each other or fail on the profile lock,
so concurrent uploads (several server workers, background tasks) would collide.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from pathlib import Path

__all__ = [
    "ConversionFailed",
    "OfficeError",
    "OfficeUnavailable",
    "convert",
    "find_soffice",
    "libreoffice_available",
]

# Official LibreOffice packages (also the ones carried to 麒麟 / 统信 machines) install under /opt
# and are not always on PATH; distribution packages are found through PATH.
_EXTRA_GLOBS: tuple[str, ...] = (
    "/opt/libreoffice*/program/soffice",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
)

# The fontconfig file maps the official font names (仿宋_GB2312, 方正小标宋简体, …) to Noto CJK so
# PDFs come out with the intended typefaces instead of whatever fontconfig picks first.
_FONTCONFIG_FILE = Path(__file__).resolve().parents[2] / "deploy/fontconfig/guazhi-fonts.conf"

_INPUTS = {"doc", "docx", "wps", "rtf", "odt"}
_FILTERS = {
    "docx": "docx:MS Word 2007 XML",
    "pdf": "pdf:writer_pdf_Export",
}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_WORD_STREAM = "WordDocument".encode("utf-16-le")

# A first start of soffice with an empty profile spends seconds writing it; later conversions in
# the same process copy a profile made once (a private copy each, so still no sharing).
_profile_lock = threading.Lock()
_profile_template: Path | None = None


class OfficeError(Exception):
    """A conversion could not be done; str(error) is a Chinese sentence for the user."""


class OfficeUnavailable(OfficeError):
    """LibreOffice is not installed (or not where GUAZHI_SOFFICE says)."""


class ConversionFailed(OfficeError):
    """LibreOffice ran but gave no result: a damaged or unsupported file, or a timeout."""


def find_soffice(soffice: str | None = None) -> str | None:
    """The soffice executable: the argument, else $GUAZHI_SOFFICE, else PATH, else /opt.

    A configured path that does not exist gives None rather than a search elsewhere, so a
    mistyped setting shows up as "not installed" instead of silently using another copy.
    """
    configured = soffice or os.environ.get("GUAZHI_SOFFICE", "").strip()
    if configured:
        if os.sep in configured:
            return configured if os.access(configured, os.X_OK) else None
        return shutil.which(configured)
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for pattern in _EXTRA_GLOBS:
        for candidate in sorted(glob.glob(pattern), reverse=True):
            if os.access(candidate, os.X_OK):
                return candidate
    return None


def libreoffice_available(soffice: str | None = None) -> bool:
    return find_soffice(soffice) is not None


def _normalise_suffix(suffix: str) -> str:
    return suffix.lower().lstrip(".")


def _unavailable_message(suffix: str, to: str) -> str:
    if to == "pdf":
        return "服务器未安装 LibreOffice，无法生成 PDF 文件，请下载 Word 版本。"
    return f"服务器未安装 LibreOffice，无法转换 .{suffix} 文件，请另存为 .docx 后上传。"


def _unreadable_message(suffix: str) -> str:
    return (
        f"无法读取该 .{suffix} 文件：文件可能已损坏，或不是 Word / WPS 文档。"
        "请用 Word 或 WPS 打开后另存为 .docx 再上传。"
    )


def _input(data: bytes, suffix: str) -> tuple[str, str | None]:
    """The file name and LibreOffice import filter for the upload, or ConversionFailed.

    Whatever LibreOffice does not recognise it imports as plain text and "converts" happily, so
    a damaged upload would become a writing full of binary noise. Only the containers word
    processors write are passed on, and a binary one with its filter named, so that a damaged
    Word 97 file fails instead of falling through to the text import.
    """
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if data.startswith(_OLE_MAGIC):
        # Kingsoft WPS writes .wps in the Word 97 binary format (a WordDocument stream); under
        # the .wps name LibreOffice would try the Microsoft Works filter instead.
        if _WORD_STREAM not in data:
            raise ConversionFailed(_unreadable_message(suffix))
        return "input.doc", "MS Word 97"
    if data.startswith(b"PK\x03\x04"):
        return f"input.{suffix}", None
    if head.startswith(b"{\\rtf"):
        return "input.rtf", "Rich Text Format"
    if head.startswith(b"<"):  # Word 2003 XML or a web page saved as .doc
        return f"input.{suffix}", None
    raise ConversionFailed(_unreadable_message(suffix))


def _environment(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    # soffice and fontconfig write caches under $HOME; a server account may have none writable.
    env["HOME"] = str(home)
    env.setdefault("SAL_USE_VCLPLUGIN", "svp")
    if "FONTCONFIG_FILE" not in env and _FONTCONFIG_FILE.is_file():
        env["FONTCONFIG_FILE"] = str(_FONTCONFIG_FILE)
    return env


def _prepare_profile(target: Path) -> None:
    with _profile_lock:
        template = _profile_template
    if template is not None and template.is_dir():
        with contextlib.suppress(OSError):
            shutil.copytree(template, target, symlinks=True)
            return
        shutil.rmtree(target, ignore_errors=True)
    target.mkdir()


def _remember_profile(profile: Path) -> None:
    global _profile_template
    with _profile_lock:
        if _profile_template is not None:
            return
        keep = Path(tempfile.mkdtemp(prefix="guazhi-office-profile-"))
        try:
            shutil.copytree(profile, keep / "profile", symlinks=True)
        except OSError:
            shutil.rmtree(keep, ignore_errors=True)
            return
        _profile_template = keep / "profile"


def _run(command: list[str], env: dict[str, str], cwd: Path, timeout: float) -> tuple[int, str]:
    # A new session makes soffice (a shell script) and soffice.bin one process group, so a
    # timeout kills both instead of leaving soffice.bin running with the profile locked.
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise
    return process.returncode, output.decode("utf-8", "replace")


def convert(
    data: bytes,
    suffix: str,
    to: str,
    timeout: float = 60,
    *,
    soffice: str | None = None,
) -> bytes:
    """Convert a word-processor file (its bytes and original suffix) to "docx" or "pdf".

    Raises OfficeUnavailable when LibreOffice is not installed, ConversionFailed when the file
    cannot be read or the conversion takes longer than `timeout` seconds.
    """
    suffix = _normalise_suffix(suffix)
    if to not in _FILTERS:
        raise ValueError(f"unsupported target {to!r}")
    if suffix not in _INPUTS:
        raise ValueError(f"unsupported input suffix {suffix!r}")
    executable = find_soffice(soffice)
    if executable is None:
        raise OfficeUnavailable(_unavailable_message(suffix, to))
    if not data:
        raise ConversionFailed(f"该 .{suffix} 文件是空的。")
    name, infilter = _input(data, suffix)

    with tempfile.TemporaryDirectory(prefix="guazhi-office-") as tmp:
        work = Path(tmp)
        source = work / name
        source.write_bytes(data)
        outdir = work / "out"
        outdir.mkdir()
        profile = work / "profile"
        _prepare_profile(profile)
        command = [
            executable,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--invisible",
            "--nologo",
            "--norestore",
            "--nodefault",
            "--nolockcheck",
            *([f"--infilter={infilter}"] if infilter else []),
            "--convert-to",
            _FILTERS[to],
            "--outdir",
            str(outdir),
            str(source),
        ]
        try:
            returncode, output = _run(command, _environment(work), work, timeout)
        except subprocess.TimeoutExpired:
            if to == "pdf":
                message = f"生成 PDF 文件超时（超过 {timeout:g} 秒），请稍后重试或下载 Word 版本。"
            else:
                message = f"转换 .{suffix} 文件超时（超过 {timeout:g} 秒），请另存为 .docx 后上传。"
            raise ConversionFailed(message) from None
        except OSError as error:
            raise OfficeUnavailable(_unavailable_message(suffix, to)) from error
        result = outdir / f"{source.stem}.{to}"
        if returncode != 0 or not result.is_file() or result.stat().st_size == 0:
            raise ConversionFailed(_unreadable_message(suffix))
        _remember_profile(profile)
        return result.read_bytes()

"""The command line contract: extract --json, the Chinese listing, and bad input."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TEXT = "挂职以来，完成辖区内698家企业第一轮调研走访，筹集一百余万元资金。2021年10月到岗。\n"


def run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "guazhi.claims", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=60,
    )


def test_extract_json_contract(tmp_path):
    utf8 = tmp_path / "总结.txt"
    utf8.write_text(TEXT, encoding="utf-8")
    gbk = tmp_path / "gb.txt"
    gbk.write_bytes(TEXT.encode("gb18030"))
    result = run("extract", str(utf8), str(gbk), "--json")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["file"] for line in lines] == [str(utf8), str(gbk)]
    assert lines[0]["claims"] == lines[1]["claims"]
    assert set(lines[0]) == {"file", "claims"}
    first, second = lines[0]["claims"]
    assert set(first) == {"start", "end", "text", "value", "unit", "approx", "counted"}
    assert first == {
        "start": 10,
        "end": 14,
        "text": "698家",
        "value": 698,
        "unit": "家",
        "approx": "",
        "counted": "企业",
    }
    assert (second["value"], second["unit"], second["approx"]) == (1000000, "元", "余")
    assert TEXT[second["start"] : second["end"]] == second["text"]


def test_docx_input_and_chinese_listing(tmp_path):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("一、主要成效")
    document.add_paragraph("争取资金800万元，走访企业698家。")
    path = tmp_path / "总结.docx"
    document.save(str(path))
    result = run("extract", str(path))
    assert result.returncode == 0, result.stderr
    assert "数字：2 处" in result.stdout
    assert "800万元" in result.stdout and "8,000,000元" in result.stdout


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.txt", None, "file not found"),
        ("bad.txt", b"\xff\xfe\x80\x81\xfe\xff\x80", "cannot decode"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        ("broken.docx", b"PK\x03\x04 not really a zip", "corrupt .docx"),
        ("empty.txt", "  \n\u3000\n".encode(), "empty document"),
    ],
)
def test_bad_input_gets_a_message_not_a_traceback(tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    good = tmp_path / "good.txt"
    good.write_text(TEXT, encoding="utf-8")
    result = run("extract", str(path), str(good), "--json")
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert [json.loads(line)["file"] for line in result.stdout.splitlines()] == [str(good)]


def test_usage_error():
    result = run("extract")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr

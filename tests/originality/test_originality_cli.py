"""The command line contract: index, check --json, the Chinese report, and bad input."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from originality_testdata import synthetic

REPO = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "guazhi.originality", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=60,
    )


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cli")
    corpus = tmp / "corpus.jsonl"
    with corpus.open("w", encoding="utf-8") as out:
        for i in range(5):
            out.write(
                json.dumps({"id": f"范文-{i}", "text": synthetic(i, 2000)}, ensure_ascii=False)
            )
            out.write("\n")
    more = tmp / "more.jsonl"
    more.write_text(json.dumps({"id": 42, "text": synthetic(42, 2000)}) + "\n", encoding="utf-8")
    out_dir = tmp / "index"
    first = run("index", "--corpus", str(corpus), "--out", str(out_dir))
    assert first.returncode == 0, first.stderr
    added = run("index", "--corpus", str(more), "--out", str(out_dir), "--add")
    assert added.returncode == 0, added.stderr
    assert "6" in added.stdout
    return out_dir


def test_check_json_contract(index_dir, tmp_path):
    own = synthetic(100, 500)
    text = own + synthetic(3, 2000)[500:1500] + "\n" + synthetic(42, 2000)[:600]
    utf8 = tmp_path / "心得.txt"
    utf8.write_text(text, encoding="utf-8")
    gbk = tmp_path / "gb.txt"
    gbk.write_bytes(text.encode("gb18030"))
    result = run("check", "--index", str(index_dir), str(utf8), str(gbk), "--json")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["file"] for line in lines] == [str(utf8), str(gbk)]
    assert lines[0] == {**lines[1], "file": str(utf8)}
    report = lines[0]
    assert set(report) == {
        "file",
        "chars",
        "copy_ratio",
        "copy_ratio_excluding_common",
        "max_source_ratio",
        "passages",
    }
    assert report["chars"] == len("".join(text.split()))  # non-whitespace characters
    assert 0.7 < report["copy_ratio"] < 0.85
    sources = {p["source_id"] for p in report["passages"]}
    assert sources == {"范文-3", "42"}
    for p in report["passages"]:
        # the contract's keys, plus "common" (left out of the second ratio)
        assert set(p) == {
            "start",
            "end",
            "source_id",
            "source_start",
            "source_end",
            "similarity",
            "common",
        }
        assert 0 <= p["start"] < p["end"] <= len(text)
    first = min(report["passages"], key=lambda p: p["start"])
    assert abs(first["start"] - len(own)) <= 8


def test_docx_input_and_chinese_report(index_dir, tmp_path):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    body = synthetic(1, 2000)[:900]
    for para in (synthetic(200, 300), body[:450], body[450:]):
        document.add_paragraph(para)
    path = tmp_path / "总结.docx"
    document.save(str(path))
    result = run("check", "--index", str(index_dir), str(path))
    assert result.returncode == 0, result.stderr
    assert "总文字复制比" in result.stdout
    assert "范文-1" in result.stdout
    assert "去除引用和常用语复制比" in result.stdout


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.txt", None, "file not found"),
        ("bad.txt", b"\xff\xfe\x80\x81\xfe\xff\x80", "cannot decode"),
        ("broken.docx", b"PK\x03\x04 not really a zip", "corrupt .docx"),
        ("empty.txt", "  \n\u3000\n".encode(), "empty document"),
        # GB18030 would decode these bytes: the NUL bytes are what says "not text".
        ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
    ],
)
def test_bad_input_gets_a_message_not_a_traceback(index_dir, tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    good = tmp_path / "good.txt"
    good.write_text(synthetic(2, 800), encoding="utf-8")
    result = run("check", "--index", str(index_dir), str(path), str(good), "--json")
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert [json.loads(line)["file"] for line in result.stdout.splitlines()] == [str(good)]


def test_missing_index_and_bad_corpus(tmp_path):
    text = tmp_path / "a.txt"
    text.write_text("内容", encoding="utf-8")
    missing = run("check", "--index", str(tmp_path / "nope"), str(text))
    assert missing.returncode != 0 and "index not found" in missing.stderr
    corpus = tmp_path / "bad.jsonl"
    corpus.write_text('{"id": 1, "text": "好"}\n{"id": 2}\n', encoding="utf-8")
    bad = run("index", "--corpus", str(corpus), "--out", str(tmp_path / "i"))
    assert bad.returncode != 0 and ":2:" in bad.stderr
    assert "Traceback" not in missing.stderr + bad.stderr


def test_an_index_of_the_old_format_gets_a_message(index_dir, tmp_path):
    old = tmp_path / "old-index"
    old.mkdir()
    for path in index_dir.iterdir():
        (old / path.name).write_bytes(path.read_bytes())
    meta = json.loads((old / "meta.json").read_text(encoding="utf-8"))
    meta["format"] = 1
    del meta["normalizer"]
    (old / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    text = tmp_path / "a.txt"
    text.write_text(synthetic(3, 500), encoding="utf-8")
    result = run("check", "--index", str(old), str(text))
    assert result.returncode == 1
    assert "format 1" in result.stderr and "rebuild" in result.stderr
    assert "Traceback" not in result.stderr

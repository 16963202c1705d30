"""Benchmark of the claim extraction engine: precision and recall on a hand-labelled set, speed.

    python bench/claims.py                 # labelled set + speed on 200 texts of 5,000 characters
    python bench/claims.py --errors        # also list every miss and false alarm (for development)

The labelled set is bench/claims_labels.jsonl (docs/claims.md says how it was labelled): sentences
of the real reports in /work/shared/corpora (stored as file, record and offsets plus a hash of the
sentence, read at run time; set GUAZHI_CORPORA to read them elsewhere) and short cadre-report
sentences written for this set. Half of each is "dev" (looked at while building the engine), half
"test" (held out: its figures are the honest ones). The last printed line is one JSON object.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from guazhi.claims import Claim, extract  # noqa: E402

LABELS = Path(__file__).resolve().parent / "claims_labels.jsonl"
CORPORA = Path(os.environ.get("GUAZHI_CORPORA", "/work/shared/corpora"))
SPEED_SOURCE = "gov-work-reports/government_work_reports.jsonl"


def load_records(source: str) -> list[dict]:
    path = CORPORA / source
    if not path.is_file():
        sys.exit(f"语料不存在 / corpus not found: {path} (set GUAZHI_CORPORA)")
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def load_labels() -> list[dict]:
    cache: dict[str, list[dict]] = {}
    rows = []
    for line in LABELS.open(encoding="utf-8"):
        row = json.loads(line)
        if "text" not in row:
            records = cache.setdefault(row["source"], load_records(row["source"]))
            text = records[row["record"]]["content"][row["start"] : row["end"]]
            digest = hashlib.sha1(text.encode()).hexdigest()[:12]
            if digest != row["sha1"]:
                sys.exit(f"{row['id']}: 语料已变 / corpus sentence changed (hash {digest})")
            row["text"] = text
            row["kind"] = "corpus"
        else:
            row["kind"] = "written"
        rows.append(row)
    return rows


def same_value(a: Decimal, b: Decimal) -> bool:
    return abs(a - b) <= abs(b) * Decimal("0.0001")


def score(rows: list[dict], show_errors: bool) -> dict:
    tp = fp = fn = 0
    value_ok = unit_ok = approx_ok = span_ok = 0
    for row in rows:
        gold = [dict(g, value=Decimal(g["value"])) for g in row["claims"]]
        found: list[Claim] = extract(row["text"], counted=False)
        unmatched = list(gold)
        for claim in found:
            hit = next(
                (g for g in unmatched if g["start"] < claim.end and claim.start < g["end"]), None
            )
            if hit is None:
                fp += 1
                if show_errors:
                    print(
                        f"  FP {row['id']}: {claim.text} = {claim.value} {claim.unit} | {row['text'].strip()[:80]}"
                    )
                continue
            unmatched.remove(hit)
            tp += 1
            value_ok += same_value(claim.value, hit["value"])
            unit_ok += claim.unit == hit["unit"]
            approx_ok += claim.approx == hit["approx"]
            span_ok += (claim.start, claim.end) == (hit["start"], hit["end"])
            if show_errors and not (
                same_value(claim.value, hit["value"])
                and claim.unit == hit["unit"]
                and claim.approx == hit["approx"]
            ):
                print(
                    f"  ~~ {row['id']}: {claim.text} = {claim.value} {claim.unit} {claim.approx} "
                    f"(gold {row['text'][hit['start'] : hit['end']]} = {hit['value']} {hit['unit']} {hit['approx']})"
                )
        fn += len(unmatched)
        if show_errors:
            for g in unmatched:
                print(
                    f"  FN {row['id']}: {row['text'][g['start'] : g['end']]} | {row['text'].strip()[:80]}"
                )
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "sentences": len(rows),
        "gold": tp + fn,
        "found": tp + fp,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        # of the figures found that are claims: how often value, unit, approximation and span agree
        "value_accuracy": round(value_ok / tp, 4) if tp else None,
        "unit_accuracy": round(unit_ok / tp, 4) if tp else None,
        "approx_accuracy": round(approx_ok / tp, 4) if tp else None,
        "exact_span": round(span_ok / tp, 4) if tp else None,
    }


def speed_texts(count: int, size: int, seed: int) -> list[str]:
    """Texts of `size` characters cut from reports of 1978 on (the style of today's reports)."""
    records = [r for r in load_records(SPEED_SOURCE) if str(r.get("year") or "0")[:4] >= "1978"]
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        content = rng.choice(records)["content"]
        start = rng.randrange(0, max(1, len(content) - size))
        texts.append(content[start : start + size])
    return texts


def measure_speed(texts: list[str], counted: bool) -> dict:
    extract(texts[0], counted=counted)  # load jieba's dictionary outside the timing
    claims = 0
    started = time.perf_counter()
    for text in texts:
        claims += len(extract(text, counted=counted))
    seconds = time.perf_counter() - started
    return {
        "texts": len(texts),
        "chars_per_text": len(texts[0]),
        "claims": claims,
        "seconds": round(seconds, 3),
        "claims_per_second": round(claims / seconds),
        "texts_per_second": round(len(texts) / seconds, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--texts", type=int, default=200, help="5,000-character texts for speed")
    parser.add_argument("--errors", action="store_true", help="list misses and false alarms")
    args = parser.parse_args()

    rows = load_labels()
    result: dict = {"labels": str(LABELS.name)}
    for name, subset in (
        ("all", rows),
        ("test", [r for r in rows if r["split"] == "test"]),
        ("dev", [r for r in rows if r["split"] == "dev"]),
        ("corpus_test", [r for r in rows if r["split"] == "test" and r["kind"] == "corpus"]),
        ("written_test", [r for r in rows if r["split"] == "test" and r["kind"] == "written"]),
    ):
        if args.errors and name == "all":
            print("errors (all):")
        result[name] = score(subset, args.errors and name == "all")
        r = result[name]
        print(
            f"{name:>13}: {r['sentences']:3d} sentences, {r['gold']:3d} claims labelled, "
            f"precision {r['precision']:.1%}, recall {r['recall']:.1%}, F1 {r['f1']:.1%}; "
            f"of those found: value {r['value_accuracy']:.1%}, unit {r['unit_accuracy']:.1%}, "
            f"approx {r['approx_accuracy']:.1%}, exact span {r['exact_span']:.1%}"
        )
    texts = speed_texts(args.texts, 5000, seed=11)
    for counted in (True, False):
        key = "speed" if counted else "speed_without_counted"
        result[key] = s = measure_speed(texts, counted)
        print(
            f"{key}: {s['claims']} claims in {s['texts']} texts of {s['chars_per_text']} characters, "
            f"{s['seconds']} s: {s['claims_per_second']:,} claims/s, {s['texts_per_second']} texts/s"
        )
    print(
        "baseline: none stored yet (first run of this benchmark); docs/claims.md keeps the figures"
    )
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()

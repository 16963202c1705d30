"""Benchmark of the originality engine against datasketch MinHash LSH, on the real corpora.

    python bench/originality.py                      # small default: 10,000 documents, ~3 min
    python bench/originality.py --scales 10000,100000,300000 --queries 20

See bench/originality_data.py for how the labelled set and the filler documents are built, and
docs/originality.md for the figures measured on the project machine.
"""

from __future__ import annotations

import argparse
import gc
import json
import re
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from originality_data import (  # noqa: E402
    CORPORA,
    DISGUISES,
    REUSE_LEN,
    STRENGTHS,
    TRANSFORMS,
    MarkovFiller,
    Query,
    QueryBuilder,
    load_corpus,
    visible_mask,
)

from guazhi.originality import CheckResult, OriginalityIndex, Params  # noqa: E402
from guazhi.originality.quotes import excused_quotations  # noqa: E402

# The quotation rule before issue 8: any quotation marks after one of these verbs, up to
# 2,000 characters (measured beside the new rule, to show what laundering used to get).
OLD_QUOTE_RE = re.compile(
    r"(?:指出|强调|说|讲|讲话|要求|规定|提出|写道|表示|明确|所说|号召|告诫|指示|批示|认为)"
    r"(?:的那样|道)?[:：,，]?\s*([“「『\"][^“”「」『』\"]{1,2000}[”」』\"])"
)


def nonspace_mask(text: str) -> np.ndarray:
    return visible_mask(text)


def quotation_masks(index: OriginalityIndex, text: str) -> tuple[np.ndarray, np.ndarray]:
    """Characters the engine excuses as attributed quotations, and those the old rule did."""
    new = np.zeros(len(text), dtype=bool)
    old = np.zeros(len(text), dtype=bool)
    normalizer = index.normalizer
    for a, b in excused_quotations(normalizer.pattern_text(text), normalizer(text)):
        new[a:b] = True
    for m in OLD_QUOTE_RE.finditer(text):
        old[m.start(1) : m.end(1)] = True
    return new, old


def score(
    query: Query, result: CheckResult, quoted: tuple[np.ndarray, np.ndarray]
) -> dict[str, float]:
    # characters reused verbatim from a source inside the "unrelated" text are not scored
    ns = nonspace_mask(query.text) & (query.labels >= 0)
    truth = (query.labels > 0) & ns
    pred = np.zeros(len(query.text), dtype=bool)
    pred_kept = np.zeros(len(query.text), dtype=bool)
    right_source = np.zeros(len(query.text), dtype=bool)
    for p in result.passages:
        pred[p.start : p.end] = True
        if not p.common:
            pred_kept[p.start : p.end] = True
        if p.source_id in query.sources:
            num = 1 + query.sources.index(p.source_id)
            right_source[p.start : p.end] |= query.labels[p.start : p.end] == num
    pred &= ns
    pred_kept &= ns
    # counted in the ratio excluding common text: kept passages outside excused quotations
    counted = pred_kept & ~quoted[0]
    counted_old = pred_kept & ~quoted[1]
    found_sources = {p.source_id for p in result.passages}
    return {
        "tp_counted": float((counted & truth).sum()),
        "tp_counted_old": float((counted_old & truth).sum()),
        "tp": float((pred & truth).sum()),
        "pred": float(pred.sum()),
        "tp_kept": float((pred_kept & truth).sum()),
        "pred_kept": float(pred_kept.sum()),
        "truth": float(truth.sum()),
        "src_ok": float((right_source & truth).sum()),
        "err": abs(result.copy_ratio - query.true_ratio),
        "err_kept": abs(result.copy_ratio_excluding_common - query.true_ratio),
        "doc_hits": float(sum(s in found_sources for s in query.sources)),
        "doc_total": float(len(query.sources)),
    }


def summarise(rows: list[dict[str, float]]) -> dict[str, float]:
    tot = defaultdict(float)
    for r in rows:
        for k, v in r.items():
            tot[k] += v
    n = max(len(rows), 1)
    return {
        "recall": tot["tp"] / max(tot["truth"], 1),
        "precision": tot["tp"] / max(tot["pred"], 1),
        "precision_kept": tot["tp_kept"] / max(tot["pred_kept"], 1),
        "recall_kept": tot["tp_kept"] / max(tot["truth"], 1),
        "recall_counted": tot["tp_counted"] / max(tot["truth"], 1),
        "recall_counted_old": tot["tp_counted_old"] / max(tot["truth"], 1),
        "source_acc": tot["src_ok"] / max(tot["truth"], 1),
        "err": tot["err"] / n,
        "err_max": max((r["err"] for r in rows), default=0.0),
        "err_kept": tot["err_kept"] / n,
        "doc_recall": tot["doc_hits"] / max(tot["doc_total"], 1),
    }


def datasketch_baseline(
    corpus_docs: list[tuple[str, str]], queries: list[Query], sample_docs: list[str]
) -> dict[str, float]:
    from datasketch import MinHash, MinHashLSH

    def sign(text: str) -> MinHash:
        m = MinHash(num_perm=128)
        m.update_batch([text[i : i + 5].encode("utf-8") for i in range(len(text) - 4)])
        return m

    # Throughput on 3,000-character documents, one core.
    t0 = time.perf_counter()
    for text in sample_docs:
        sign(text)
    docs_per_s = len(sample_docs) / (time.perf_counter() - t0)
    # LSH memory per document (hash tables at threshold 0.5).
    tracemalloc.start()
    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    before = tracemalloc.get_traced_memory()[0]
    sigs = [(f"s{i}", sign(t)) for i, t in enumerate(sample_docs)]
    mid = tracemalloc.get_traced_memory()[0]
    for key, m in sigs:
        lsh.insert(key, m)
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    lsh_bytes = (after - mid) / len(sample_docs)
    sig_bytes = (mid - before) / len(sample_docs)
    # Document-level recall: the sources are indexed, each labelled query asks for its sources.
    for key, text in corpus_docs:
        lsh.insert(key, sign(text))
    per_kind: dict[str, list[float]] = defaultdict(list)
    for q in queries:
        found = set(lsh.query(sign(q.text)))
        per_kind[q.kind].append(sum(s in found for s in q.sources) / len(q.sources))
    result = {"docs_per_s": docs_per_s, "lsh_bytes": lsh_bytes, "sig_bytes": sig_bytes}
    for kind, vals in per_kind.items():
        result[f"recall:{kind}"] = statistics.fmean(vals)
    result["recall:all"] = statistics.fmean(v for vals in per_kind.values() for v in vals)
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--scales", default="10000", help="index sizes, comma separated")
    ap.add_argument("--queries", type=int, default=10, help="queries per transformation+strength")
    ap.add_argument("--latency-queries", type=int, default=100)
    ap.add_argument("--datasketch-docs", type=int, default=2000)
    ap.add_argument("--no-datasketch", action="store_true")
    ap.add_argument("--corpora", default=str(CORPORA))
    ap.add_argument("--k", type=int, default=Params().k, help="gram length (experiments)")
    ap.add_argument("--w", type=int, default=Params().w, help="winnowing window (experiments)")
    args = ap.parse_args()
    scales = sorted(int(s) for s in args.scales.split(","))

    t0 = time.perf_counter()
    corpus = load_corpus(Path(args.corpora))
    builder = QueryBuilder(corpus)
    queries = [
        builder.build(kind, s) for kind in TRANSFORMS for s in range(3) for _ in range(args.queries)
    ]
    lat_queries = [builder.build_5000() for _ in range(args.latency_queries)]
    honest = [builder.build_honest_quotation() for _ in range(args.queries * 3)]
    negatives = [(k, t) for k, t in corpus.heldout.items()] + [
        (k, t) for k, (t, _new, _j) in corpus.law_negatives.items()
    ]
    verbatim = {k: builder.verbatim_share(t) for k, t in negatives}
    for prefix, label in (("gwr", "held-out reports"), ("law", "far law versions")):
        shares = [v for k, v in verbatim.items() if k.startswith(prefix)]
        print(
            f"{label}: {len(shares)}, verbatim runs of {REUSE_LEN}+ characters shared with "
            f"indexed sources: {statistics.fmean(shares):.1%} of their characters on average"
        )
    filler = MarkovFiller(list(corpus.sources.values()))
    src_chars = sum(len(t) for t in corpus.sources.values())
    print(
        f"corpora: {len(corpus.sources)} sources ({src_chars:,} chars), "
        f"{len(corpus.heldout)} held-out reports, {len(corpus.law_negatives)} far law versions; "
        f"{len(queries)} labelled queries; setup {time.perf_counter() - t0:.1f}s"
    )

    index = OriginalityIndex(Params(k=args.k, w=args.w))
    index.add_many(corpus.sources.items())
    total_chars = src_chars
    made = 0
    build_docs = build_secs = 0.0
    scale_rows = []
    quality: dict[int, dict[tuple[str, str], dict[str, float]]] = {}
    print("\n## Scale (index build = filler documents of 3,000 chars, one process)")
    print(
        "| docs | build docs/s | index B/doc | B per 3,000 chars | save s | load s | "
        "5,000-char query p50 ms | p95 ms | recall | precision | precision excl. common | "
        "ratio err pp | negatives reports: total / excl. common | far law versions: total / "
        "excl. common | peak RSS GB |"
    )
    print("|" + "---|" * 15, flush=True)
    for n in scales:
        need = n - len(index)
        while need > 0:
            take = min(need, 20000)
            texts = filler.generate(take)
            t = time.perf_counter()
            index.add_many(
                ((f"filler-{made + i}", text) for i, text in enumerate(texts)), merge=False
            )
            made += take
            build_secs += time.perf_counter() - t
            build_docs += take
            total_chars += sum(len(x) for x in texts)
            need -= take
            del texts
            gc.collect()
        t = time.perf_counter()
        index.add_many([])  # merge the buffered documents into the sorted arrays
        build_secs += time.perf_counter() - t
        with tempfile.TemporaryDirectory() as tmp:
            t = time.perf_counter()
            index.save(tmp)
            save_s = time.perf_counter() - t
            t = time.perf_counter()
            loaded = OriginalityIndex.load(tmp)
            load_s = time.perf_counter() - t
            for q in lat_queries[:5]:
                loaded.check(q)  # warm the page cache
            lat = []
            for q in lat_queries:
                t = time.perf_counter()
                loaded.check(q)
                lat.append((time.perf_counter() - t) * 1000)
            rows: dict[tuple[str, str], list[dict[str, float]]] = defaultdict(list)
            for q in queries:
                quoted = quotation_masks(loaded, q.text)
                rows[(q.kind, q.strength)].append(score(q, loaded.check(q.text), quoted))
            honest_excused = [
                float(quotation_masks(loaded, text)[0][a:b].mean()) for text, (a, b) in honest
            ]
            neg = [loaded.check(t) for _k, t in negatives]
            neg_gwr = [r for (k, _t), r in zip(negatives, neg, strict=True) if k.startswith("gwr")]
            neg_law = [r for (k, _t), r in zip(negatives, neg, strict=True) if k.startswith("law")]
            del loaded
        quality[n] = {key: summarise(r) for key, r in rows.items()}
        all_rows = [r for rs in rows.values() for r in rs]
        overall = summarise(all_rows)
        scale_rows.append(
            {
                "n": n,
                "rss_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6,
                "build_dps": build_docs / build_secs,
                "bytes_doc": index.nbytes / len(index),
                "bytes_3000": index.nbytes / total_chars * 3000,
                "save_s": save_s,
                "load_s": load_s,
                "p50": float(np.percentile(lat, 50)),
                "p95": float(np.percentile(lat, 95)),
                "recall": overall["recall"],
                "precision": overall["precision"],
                "precision_kept": overall["precision_kept"],
                "err": overall["err"],
                "neg_gwr": statistics.fmean(r.copy_ratio for r in neg_gwr),
                "neg_gwr_kept": statistics.fmean(r.copy_ratio_excluding_common for r in neg_gwr),
                "neg_law": statistics.fmean(r.copy_ratio for r in neg_law) if neg_law else 0.0,
                "neg_law_kept": statistics.fmean(r.copy_ratio_excluding_common for r in neg_law)
                if neg_law
                else 0.0,
            }
        )
        r = scale_rows[-1]
        print(
            f"| {r['n']:,} | {r['build_dps']:,.0f} | {r['bytes_doc']:,.0f} | {r['bytes_3000']:,.0f}"
            f" | {r['save_s']:.1f} | {r['load_s']:.2f} | {r['p50']:.1f} | {r['p95']:.1f} | "
            f"{r['recall']:.3f} | {r['precision']:.3f} | {r['precision_kept']:.3f} | "
            f"{r['err'] * 100:.2f} | {r['neg_gwr']:.1%} / {r['neg_gwr_kept']:.1%} | "
            f"{r['neg_law']:.1%} / {r['neg_law_kept']:.1%} | {r['rss_gb']:.1f} |",
            flush=True,
        )

    ds: dict[str, float] = {}
    if not args.no_datasketch:
        sample = filler.generate(args.datasketch_docs)
        ds = datasketch_baseline(list(corpus.sources.items()), queries, sample)

    n = scales[-1]
    print(f"\n## Quality per transformation at {n:,} documents (character level, non-space)")
    print(
        "| transformation | strength | recall | recall counted | precision | "
        "precision excl. common | source acc. | ratio err pp (mean / max) | doc recall | "
        "datasketch doc recall |"
    )
    print("|" + "---|" * 10)
    for kind in TRANSFORMS:
        for strength in STRENGTHS:
            s = quality[n][(kind, strength)]
            dsr = ds.get(f"recall:{kind}")
            print(
                f"| {kind} | {strength} | {s['recall']:.3f} | {s['recall_counted']:.3f} | "
                f"{s['precision']:.3f} | {s['precision_kept']:.3f} | {s['source_acc']:.3f} | "
                f"{s['err'] * 100:.1f} / {s['err_max'] * 100:.1f} | {s['doc_recall']:.2f} | "
                + (f"{dsr:.2f} |" if dsr is not None else "– |")
            )
    if ds:
        first, last = scale_rows[0], scale_rows[-1]
        speed = f"{first['build_dps']:,.0f} at {first['n']:,} ({first['build_dps'] / ds['docs_per_s']:.1f}×)"
        if last is not first:
            speed += f", {last['build_dps']:,.0f} at {last['n']:,} ({last['build_dps'] / ds['docs_per_s']:.1f}×)"
        print("\n## Baseline: datasketch MinHash (128 permutations, char 5-grams) + MinHashLSH 0.5")
        print("| figure | datasketch | this engine |")
        print("|---|---|---|")
        print(f"| docs/s (3,000 chars, one core) | {ds['docs_per_s']:,.0f} | {speed} |")
        print(
            f"| index bytes per doc | {ds['lsh_bytes']:,.0f} (LSH) + {ds['sig_bytes']:,.0f} "
            f"(MinHash objects) | {last['bytes_doc']:,.0f} |"
        )
        ours_recall = statistics.fmean(v["doc_recall"] for v in quality[n].values())
        print(
            f"| document-level recall, all labelled queries | {ds['recall:all']:.2f} | "
            f"{ours_recall:.2f} |"
        )
    print(f"\n## Quotations at {n:,} documents: copied characters counted as copying")
    print("| query | old rule (any 说 + “…”, ≤ 2,000 chars) | this engine |")
    print("|---|---|---|")
    for strength in STRENGTHS:
        s = quality[n][("quotation", strength)]
        print(
            f"| laundering, {strength} | {s['recall_counted_old']:.3f} | "
            f"{s['recall_counted']:.3f} |"
        )
    print(
        f"| honest quotation (40–140 chars, attributed): share excused | 1.000 | "
        f"{statistics.fmean(honest_excused):.3f} |"
    )
    print(f"\ntotal {time.perf_counter() - t0:.0f}s")
    # Last line: the figures as one JSON object (per scale, and the baseline when it ran).
    summary = {
        "scales": [
            {k: round(v, 4) if isinstance(v, float) else v for k, v in row.items()}
            for row in scale_rows
        ],
        "baseline": "datasketch MinHash + MinHashLSH 0.5" if ds else None,
        "baseline_docs_per_s": round(ds["docs_per_s"], 1) if ds else None,
        "baseline_doc_recall": round(ds["recall:all"], 4) if ds else None,
        "disguises": {
            kind: {
                strength: {
                    "recall": round(quality[n][(kind, strength)]["recall"], 4),
                    "recall_counted": round(quality[n][(kind, strength)]["recall_counted"], 4),
                }
                for strength in STRENGTHS
            }
            for kind in DISGUISES
        },
        "quotation_laundering_counted_old_rule": {
            strength: round(quality[n][("quotation", strength)]["recall_counted_old"], 4)
            for strength in STRENGTHS
        },
        "honest_quotations_excused": round(statistics.fmean(honest_excused), 4),
        "total_s": round(time.perf_counter() - t0, 1),
    }
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())

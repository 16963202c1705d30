"""同届经验 at province scale: how long the daily refresh takes for 10,000 secondments.

    .venv/bin/python bench/peers.py                      # engine: 10,000 secondments, in memory
    .venv/bin/python bench/peers.py --secondments 2000   # smaller
    GUAZHI_DATA_DIR=DIR .venv/bin/python bench/peers.py --db   # refresh() on a database, e.g.
        # one bench/scale_data.py generated (bench/scale.py --data-dir DIR keeps it)

The engine run generates what `guazhi.peers.refresh` would read at the caps it applies: per
secondment up to 120 latest entries (title and text, from the demo ledger's templates), category
totals of a ~500-entry ledger (5 million entries / 10,000) and figure totals; each secondment
has two or three specialities (categories it works in most). Every 100th secondment gets a
planted twin (same specialities and figures, its own random texts): the bench reports how many
twins come out at rank 1 and in the top 10. Times: tokenising (jieba) and ranking; peak RSS.
The baseline it compares against is the daily window: the refresh should take minutes, not
hours, and fit in memory beside the server. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def engine(secondments: int, seed: int) -> dict[str, object]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guazhi.settings")
    import django

    django.setup()  # the demo ledger's templates live beside its models
    from guazhi.ledger import demo_data as demo
    from guazhi.lib.peer_vectors import PeerIndex
    from guazhi.peers.refresh import ENTRIES_PER_SECONDMENT, ENTRY_CHARS

    rng = random.Random(seed)
    names = list(demo.TEMPLATES)
    fields = sorted({(n, k) for n in names for t in demo.TEMPLATES[n] for k in t.figures})
    field_ids = {f: i for i, f in enumerate(fields)}
    slots_fixed = {"enterprise": demo.ENTERPRISES, "bank": demo.BANKS, "project": demo.PROJECTS}

    def profile(specialities: list[str], r: random.Random) -> tuple[dict, dict, list[str]]:
        weights = [8 if n in specialities else 1 for n in names]
        categories: dict[int, float] = {}
        figures: dict[int, float] = {}
        texts = []
        for n in range(500):
            name = r.choices(names, weights)[0]
            categories[names.index(name)] = categories.get(names.index(name), 0) + 1
            template = r.choice(demo.TEMPLATES[name])
            values = {k: r.randint(int(lo), int(hi)) for k, (lo, hi) in template.figures.items()}
            for k, v in values.items():
                fid = field_ids[(name, k)]
                figures[fid] = figures.get(fid, 0) + v
            if n < ENTRIES_PER_SECONDMENT:
                slots = {k: r.choice(v) for k, v in slots_fixed.items()}
                slots["village"] = r.choice(("柳溪村", "白沙村", "云台村"))
                slots.update({k: str(v) for k, v in values.items()})
                try:
                    text = template.text.format(**slots)
                except KeyError:
                    text = template.text
                texts.append(f"{template.title}。{text[:ENTRY_CHARS]}")
        return categories, figures, texts

    index = PeerIndex()
    twins: dict[int, int] = {}
    chars = 0
    add_wall = add_cpu = 0.0
    key = 0

    def add(k: int, **kw: object) -> None:
        nonlocal add_wall, add_cpu
        wall, cpu = time.perf_counter(), time.process_time()
        index.add(k, **kw)  # type: ignore[arg-type]
        add_wall += time.perf_counter() - wall
        add_cpu += time.process_time() - cpu

    while key < secondments:
        specialities = rng.sample(names, rng.choice((2, 3)))
        categories, figures, texts = profile(specialities, rng)
        chars += sum(len(t) for t in texts)
        add(key, group=key, categories=categories, figures=figures, texts=texts)
        if key % 100 == 0 and key + 1 < secondments:
            # The twin: same specialities and figures, its own texts.
            twin_categories, _figures, twin_texts = profile(specialities, random.Random(key))
            chars += sum(len(t) for t in twin_texts)
            add(
                key + 1,
                group=key + 1,
                categories=twin_categories,
                figures=figures,
                texts=twin_texts,
            )
            twins[key] = key + 1
            key += 1
        key += 1
    started, cpu = time.perf_counter(), time.process_time()
    ranking = index.rank()
    rank_s, rank_cpu = time.perf_counter() - started, time.process_time() - cpu
    first = sum(
        1 for a, b in twins.items() if ranking.peers[a][:1] and ranking.peers[a][0].peer == b
    )
    top10 = sum(1 for a, b in twins.items() if b in [m.peer for m in ranking.peers[a]])
    return {
        "mode": "engine",
        "secondments": len(index),
        "chars_tokenised": chars,
        "tokenise_s": round(add_wall, 1),
        "tokenise_cpu_s": round(add_cpu, 1),
        "chars_per_cpu_s": round(chars / max(add_cpu, 1e-9)),
        "rank_s": round(rank_s, 1),
        "rank_cpu_s": round(rank_cpu, 1),
        "total_s": round(add_wall + rank_s, 1),
        "total_cpu_s": round(add_cpu + rank_cpu, 1),
        "load_average": round(os.getloadavg()[0], 1),
        "twins": len(twins),
        "twins_rank_1": first,
        "twins_top_10": top10,
        "peak_rss_mb": round(_rss_mb()),
    }


def database() -> dict[str, object]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guazhi.settings")
    import django

    django.setup()
    from guazhi.ledger.models import Entry
    from guazhi.peers.refresh import refresh

    entries = Entry.objects.count()
    cpu = time.process_time()
    outcome = refresh()
    cpu = time.process_time() - cpu
    return {
        "mode": "db",
        "entries": entries,
        "secondments": outcome.secondments,
        "links": outcome.links,
        "read_s": round(outcome.read_s, 1),
        "rank_s": round(outcome.rank_s, 1),
        "write_s": round(outcome.write_s, 1),
        "total_s": round(outcome.read_s + outcome.rank_s + outcome.write_s, 1),
        "cpu_s": round(cpu, 1),
        "load_average": round(os.getloadavg()[0], 1),
        "peak_rss_mb": round(_rss_mb()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--secondments", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--db", action="store_true", help="refresh() on the configured database")
    args = parser.parse_args()
    result = database() if args.db else engine(args.secondments, args.seed)
    for k, v in result.items():
        print(f"{k:>16}: {v}")
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()

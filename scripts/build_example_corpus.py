#!/usr/bin/env python3
"""Builds data/corpus/example-news.jsonl.gz, the example corpus that `make demo` ingests.

Only openly licensed records go in, each keeping its licence, source and attribution:
  * ../shared/data/corpus/demo-news-open.jsonl: 304 records (US Government public domain,
    UK OGL v3, CC BY 3.0 AU, EEAS notice, Wikipedia CC BY-SA 3.0, Wikinews CC BY 2.5);
    every record carries its own `license` field, and records without one are skipped.
  * ../shared/data/topic/wikipedia_current_events: dated news items of the Wikipedia
    Current Events Portal, 2025-01-01 to 2026-03-31 (CC BY-SA 4.0).
  * ../shared/seed/almaty.txt: caspian's canonical example article (The Astana Times),
    published 2025-08-20.

Output: one news-please style JSON object per line (title, maintext, date_publish, url,
source_domain, language, license, attribution, categories). Deterministic: same inputs,
same bytes (gzip mtime is fixed).

Usage: scripts/build_example_corpus.py [--shared ../shared] [--out data/corpus/example-news.jsonl.gz]
"""
import argparse
import gzip
import io
import json
import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CEP_NAME = "cep-2025-01-01_2026-03-31.jsonl.gz"
CEP_LICENSE = "CC BY-SA 4.0"
SEED_DATE = "2025-08-20"
PORTAL = "https://en.wikipedia.org/wiki/Portal:Current_events/"
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


def portal_page(date):
    y, m, d = date.split("-")
    return f"{PORTAL}{y}_{MONTHS[int(m) - 1]}_{int(d)}"


def demo_records(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if not r.get("license"):
                continue  # no licence stated: never commit it
            yield {
                "id": r["id"],
                "title": r.get("title") or "",
                "maintext": r.get("text") or "",
                "date_publish": r.get("date"),
                "url": r.get("url") or "",
                "source_domain": r.get("source") or "",
                "language": "en",
                "license": r["license"],
                "attribution": f'{r.get("source", "")} ({r.get("collection", "")})'.strip(),
                "categories": [],
            }


def cep_records(path):
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            story = r.get("story") or []
            cited = "; ".join(f'{s["name"]} {s["url"]}' for s in r.get("sources", []))
            yield {
                "id": "wikipedia-cep:" + r["id"],
                # The portal has no headlines: the story an item belongs to serves as one.
                "title": " / ".join(story) if story else r["category"],
                "maintext": r["text"],
                "date_publish": r["date"],
                # Items have no page of their own; their URL is left empty so that
                # de-duplication goes by content, and the portal page is credited.
                "url": "",
                "source_domain": "en.wikipedia.org",
                "language": "en",
                "license": CEP_LICENSE,
                "attribution": f'Wikipedia contributors, {portal_page(r["date"])} (item {r["id"]})'
                               + (f"; cites {cited}" if cited else ""),
                "categories": [r["category"]] + story,
            }


def seed_record(path):
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    title = lines[0].strip()
    body = "\n".join(lines[1:]).strip()
    return {
        "id": "seed:almaty",
        "title": title,
        "maintext": body,
        "date_publish": SEED_DATE,
        "url": "",
        "source_domain": "astanatimes.com",
        "language": "en",
        "license": "quoted as caspian's canonical example (shared/seed/almaty.txt)",
        "attribution": "The Astana Times",
        "categories": ["politics", "war-and-conflicts", "policy-and-legislation"],
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=os.path.join(REPO, "..", "shared"))
    ap.add_argument("--out", default=os.path.join(REPO, "data", "corpus", "example-news.jsonl.gz"))
    args = ap.parse_args()
    data = os.path.join(args.shared, "data")
    records = [seed_record(os.path.join(args.shared, "seed", "almaty.txt"))]
    records += demo_records(os.path.join(data, "corpus", "demo-news-open.jsonl"))
    records += cep_records(os.path.join(data, "topic", "wikipedia_current_events", CEP_NAME))
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0, compresslevel=9) as gz:
        for r in records:
            gz.write((json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8"))
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "wb") as f:
        f.write(buf.getvalue())
    print(f"wrote {len(records)} records to {args.out} ({len(buf.getvalue())} bytes)", file=sys.stderr)


if __name__ == "__main__":
    main()

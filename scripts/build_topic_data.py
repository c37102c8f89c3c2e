#!/usr/bin/env python3
"""Labelled topic data for `caspian train topics` / `caspian eval topics` from the Wikipedia
Current Events Portal (CC BY-SA 4.0), its categories mapped to IPTC Media Topics by
label_to_iptc_toplevel.tsv (CC BY-SA), split by date.

Each output line is {"id", "date", "text", "labels"}: the IPTC level-1 qcodes of the item's
category ("Health and environment" maps to both health and environment) plus the level-2 qcode
the mapping's note gives for the whole category ("level-2: medtop:20000056" for armed conflicts,
"level-2 medtop:20000638" for international relations; notes that limit the level-2 code to some
items, such as elections, are not applied).

  scripts/build_topic_data.py CEP.jsonl.gz MAPPING.tsv --split 2026-01-01 TRAIN.jsonl DEV.jsonl
"""
import argparse
import csv
import gzip
import json
import re
import sys

LEVEL2 = re.compile(r"^level-2:? (medtop:\d{8})")


def read_mapping(path):
    mapping = {}
    with open(path, encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            if row["dataset"] != "wikipedia_current_events":
                continue
            labels = row["iptc_qcodes"].split("|")
            for part in (row.get("note") or "").split(";"):
                m = LEVEL2.match(part.strip())
                if m:
                    labels.append(m.group(1))
            mapping[row["label"]] = labels
    return mapping


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cep")
    ap.add_argument("mapping")
    ap.add_argument("--split", required=True, help="first date (YYYY-MM-DD) of the dev part")
    ap.add_argument("train")
    ap.add_argument("dev")
    a = ap.parse_args()
    mapping = read_mapping(a.mapping)
    counts = [0, 0]
    with gzip.open(a.cep, "rt", encoding="utf-8") as f, open(a.train, "w", encoding="utf-8") as tr, \
            open(a.dev, "w", encoding="utf-8") as dv:
        for n, line in enumerate(f, 1):
            item = json.loads(line)
            labels = mapping.get(item.get("category"))
            if not labels or not item.get("text"):
                print(f"{a.cep}:{n}: no mapped category, skipped", file=sys.stderr)
                continue
            out = {"id": item["id"], "date": item["date"], "text": item["text"], "labels": labels}
            dev = item["date"] >= a.split
            (dv if dev else tr).write(json.dumps(out, ensure_ascii=False) + "\n")
            counts[dev] += 1
    print(f"train {counts[0]}, dev {counts[1]}", file=sys.stderr)


if __name__ == "__main__":
    main()

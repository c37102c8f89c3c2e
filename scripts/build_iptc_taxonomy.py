#!/usr/bin/env python3
"""data/topic/iptc-mediatopics.tsv: the active IPTC Media Topics (qcode, level, parent, English
label) from IPTC's flat TSV of the 2025-10-09 release (CC BY 4.0, (c) IPTC), for the topics
stage's labels and levels.

  scripts/build_iptc_taxonomy.py mediatopic-en-GB.tsv data/topic/iptc-mediatopics.tsv
"""
import csv
import sys


def main():
    src, dst = sys.argv[1], sys.argv[2]
    rows = []
    with open(src, encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            if row["retired"].strip():
                continue
            rows.append((row["qcode"], row["level"], row["parent"], row["label_en_GB"].strip()))
    with open(dst, "w", encoding="utf-8") as out:
        out.write("#caspian-taxonomy\t1\n")
        out.write("# IPTC NewsCodes Media Topics, release 2025-10-09, CC BY 4.0 (c) IPTC "
                  "(https://iptc.org/standards/media-topics/); active concepts only.\n")
        out.write("# qcode\tlevel\tparent\tlabel\n")
        for r in rows:
            out.write("\t".join(r) + "\n")
    print(f"{dst}: {len(rows)} topics", file=sys.stderr)


if __name__ == "__main__":
    main()

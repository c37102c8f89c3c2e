#!/usr/bin/python3
"""Extraction speed: caspian vs readability-lxml on the same pages, one core, side by side.

Issue 3's speed floor: caspian's extraction must reach 5x the pages/s of Debian's
python3-readability (readability-lxml) on the WCXB dev pages; the goal is 20x.

Needs Debian's python3-readability, which is not a build dependency:
    apt-get install -y python3-readability
(run with Debian's /usr/bin/python3, which sees that package).

Usage:
    bench/extract_vs_readability.py [--caspian build/release/caspian]
        [--pages ../shared/data/extraction/wcxb/dev/html] [--limit N]

Both run pinned to one CPU. Pages are decompressed into a temporary folder first (not timed).
readability is timed in-process (Document(html).summary() per page, as its users call it);
caspian as one `caspian extract --input-list` process (start-up, reading the files and writing
the text to /dev/null included, so its figure is conservative). Rates are given by CPU time
(user+sys, robust when the machine is busy) and by wall-clock time; the ratio uses CPU time.
"""
import argparse
import gzip
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def cpu_children():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--caspian", default=str(REPO / "build/release/caspian"))
    ap.add_argument("--pages", default=str(REPO.parent / "shared/data/extraction/wcxb/dev/html"))
    ap.add_argument("--limit", type=int, default=0, help="use only the first N pages (0: all)")
    ap.add_argument("--cpu", type=int, default=0, help="the CPU to pin both to")
    args = ap.parse_args()

    try:
        from readability import Document  # Debian: python3-readability (readability-lxml)
    except ImportError:
        sys.exit("readability-lxml is missing: apt-get install -y python3-readability "
                 "(and run this script with /usr/bin/python3)")
    if not os.access(args.caspian, os.X_OK):
        sys.exit(f"{args.caspian}: no caspian binary (build it, or pass --caspian)")

    os.sched_setaffinity(0, {args.cpu})  # children inherit the pinning
    files = sorted(Path(args.pages).glob("*.html*"))
    if args.limit:
        files = files[: args.limit]
    if not files:
        sys.exit(f"{args.pages}: no pages")

    with tempfile.TemporaryDirectory(prefix="caspian-extract-bench-") as tmp:
        pages = []
        paths = []
        for f in files:
            data = gzip.decompress(f.read_bytes()) if f.suffix == ".gz" else f.read_bytes()
            out = Path(tmp) / f.name.removesuffix(".gz")
            out.write_bytes(data)
            pages.append(data)
            paths.append(str(out))
        listing = Path(tmp) / "inputs.txt"
        listing.write_text("\n".join(paths) + "\n")
        total_mb = sum(len(p) for p in pages) / 1e6

        # caspian
        cpu0, wall0 = cpu_children(), time.perf_counter()
        with open(os.devnull, "wb") as devnull:
            rc = subprocess.run([args.caspian, "extract", "--input-list", str(listing)],
                                stdout=devnull, stderr=subprocess.PIPE).returncode
        c_wall, c_cpu = time.perf_counter() - wall0, cpu_children() - cpu0
        if rc not in (0, 1):
            sys.exit(f"caspian extract failed with exit code {rc}")

        # readability-lxml
        failures = 0
        cpu0, wall0 = time.process_time(), time.perf_counter()
        for data in pages:
            try:
                Document(data).summary()
            except Exception:  # noqa: BLE001 - a page readability cannot parse still took its time
                failures += 1
        r_wall, r_cpu = time.perf_counter() - wall0, time.process_time() - cpu0

    n = len(pages)
    print(f"{n} pages, {total_mb:.1f} MB, pinned to CPU {args.cpu}")
    print(f"caspian extract     : {n / c_cpu:8.1f} pages/s CPU  {n / c_wall:8.1f} pages/s wall  "
          f"({total_mb / c_cpu:.1f} MB/s CPU)")
    print(f"readability-lxml    : {n / r_cpu:8.1f} pages/s CPU  {n / r_wall:8.1f} pages/s wall  "
          f"({failures} pages failed)")
    print(f"ratio (CPU time)    : {r_cpu / c_cpu:8.1f}x   (floor 5x, goal 20x)")
    print(f"ratio (wall time)   : {r_wall / c_wall:8.1f}x")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Writes a synthetic CC-NEWS-style WARC for benchmarks (never committed).

Each page is a response record (HTTP headers + an HTML page of random
English-like paragraphs with navigation and footer boilerplate), preceded by
its request record and followed by a metadata record, as Common Crawl writes
them; gzip with one member per record (or one member for the whole file with
--single-member).

    python3 scripts/make_synthetic_warc.py -o /tmp/synthetic.warc.gz --mb 200
"""
import argparse
import gzip
import random
import uuid
import zlib

WORDS = (
    "the of and to in a is that for on with as by was at from it an be this are have has were not but "
    "government minister president said police city country people year week report state official "
    "election war peace talks border capital region council court economy market bank company oil gas "
    "energy pipeline sea coast river mountain village school hospital health water road railway airport "
    "agreement treaty sanctions protest army troops attack ceasefire negotiations parliament vote party "
    "leader spokesman statement interview journalist newspaper television agency international foreign "
    "national local regional million billion percent growth inflation budget tax trade export import"
).split()


def paragraph(rng):
    n = rng.randint(40, 120)
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def page(rng, pool, url, title):
    paras = "\n".join(f"<p>{p}</p>" for p in rng.sample(pool, rng.randint(8, 30)))
    # Menus and markup as real news pages carry them (most of a page's bytes,
    # and what makes real WARCs compress about 4-5x).
    menu = "\n".join(
        f'<li class="menu-item menu-item-type-taxonomy menu-item-object-category menu-item-{rng.randint(100, 999)}">'
        f'<a href="https://{url.split("/")[2]}/category/{rng.choice(WORDS)}/" class="menu-link">'
        f"{rng.choice(WORDS).title()}</a></li>"
        for _ in range(rng.randint(40, 90)))
    nav = f'<ul id="menu-main" class="menu nav-menu">{menu}</ul>'
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f'<link rel="canonical" href="{url}"><meta property="og:title" content="{title}">'
        f'<script>var analytics = {{"id": {rng.randint(1, 10**9)}}};</script></head>\n'
        f"<body><header><nav>{nav}</nav></header>\n<article><h1>{title}</h1>\n{paras}\n</article>\n"
        f'<aside class="related"><ul><li><a href="/a">Related story one</a></li><li><a href="/b">Related two</a>'
        f"</li></ul></aside><footer>Copyright synthetic news. All rights reserved.</footer></body></html>\n"
    )


def record(rtype, uri, date, content_type, block, extra=""):
    head = (
        f"WARC/1.0\r\nWARC-Type: {rtype}\r\nWARC-Date: {date}\r\n"
        f"WARC-Record-ID: <urn:uuid:{uuid.uuid4()}>\r\nWARC-Target-URI: {uri}\r\n{extra}"
        f"Content-Type: {content_type}\r\nContent-Length: {len(block)}\r\n\r\n"
    ).encode()
    return head + block + b"\r\n\r\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--mb", type=float, default=200.0, help="approximate size of the output in MB")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--single-member", action="store_true", help="one gzip member for the whole file")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    pool = [paragraph(rng) for _ in range(3000)]
    target = int(args.mb * 1e6)
    written = 0
    n = 0
    with open(args.output, "wb") as out:
        stream = zlib.compressobj(6, zlib.DEFLATED, 31) if args.single_member else None

        def emit(data):
            nonlocal written
            chunk = stream.compress(data) if stream else gzip.compress(data, 6)
            out.write(chunk)
            written += len(chunk)

        emit(record("warcinfo", "", "2024-01-01T00:00:00Z", "application/warc-fields",
                    b"software: caspian make_synthetic_warc.py\r\nformat: WARC File Format 1.0\r\n"))
        while written < target:
            n += 1
            url = f"https://news{n % 97}.example.org/{2024 - n % 3}/{n % 12 + 1:02d}/story-{n}.html"
            date = f"2024-{n % 12 + 1:02d}-{n % 28 + 1:02d}T12:00:00Z"
            title = " ".join(rng.choice(WORDS) for _ in range(8)).title()
            req = f"GET /story-{n}.html HTTP/1.1\r\nHost: news.example.org\r\nUser-Agent: synthetic\r\n\r\n".encode()
            emit(record("request", url, date, "application/http; msgtype=request", req))
            html = page(rng, pool, url, title).encode()
            resp = (f"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                    f"Content-Length: {len(html)}\r\n\r\n").encode() + html
            emit(record("response", url, date, "application/http; msgtype=response", resp))
            meta = f"fetchTimeMs: {rng.randint(50, 900)}\r\n".encode()
            emit(record("metadata", url, date, "application/warc-fields", meta))
        if stream:
            tail = stream.flush()
            out.write(tail)
    print(f"{args.output}: {n} pages, {n * 3 + 1} records")


if __name__ == "__main__":
    main()

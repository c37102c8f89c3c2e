#!/usr/bin/env python3
"""Builds caspian's tone data (data/tone/) from VADER as shipped in the npm package vader-sentiment.

Usage:  scripts/build_tone_lexicon.py [--version 1.1.3] [--out data/tone]

Needs npm and node (Node 20) and the npm registry; only the Python standard library is used. The
package is fetched with `npm pack` into a temporary directory and nothing is installed. Output is
deterministic: re-running it on the same package version gives byte-identical files.

Writes:
  vader_lexicon.tsv  "word<TAB>valence": VADER's lexicon (the package's vader_lexicon.txt, first two
                     columns: the token and its mean valence rating, -4..+4), in the file's order.
  boosters.tsv       "word<TAB>scalar": VADER's booster (+) and dampener (-) words (BOOSTER_DICT of
                     src/vaderSentiment.js); multi-word entries ("kind of") keep their space.
  negations.txt      VADER's negation words (NEGATE), one a line.
  idioms.tsv         "idiom<TAB>valence": VADER's special-case idioms (SPECIAL_CASE_IDIOMS).
  ATTRIBUTION.md     the source package, its version and tarball checksum, the licences, the citation
                     and the command that made these files.

The word lists are read by evaluating the package's own src/vaderSentiment.js with node (an ES module
that require()s its lexicon), so nothing is copied by hand. The numeric constants of VADER's rules
(B_INCR, C_INCR, N_SCALAR, ...) live in src/nlp/tone.cc; this script checks that the package still
has the values caspian uses and fails if not.
"""

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tarfile
import tempfile

PACKAGE = "vader-sentiment"
DEFAULT_VERSION = "1.1.3"
# The constants of src/nlp/tone.cc, as VADER defines them.
EXPECTED_CONSTANTS = {"B_INCR": 0.293, "B_DECR": -0.293, "C_INCR": 0.733, "N_SCALAR": -0.74}

# Evaluates the package's ES module with node and prints its word lists and constants as JSON.
NODE_DUMP = r"""
const v = await import(process.argv[process.argv.length - 1]);
process.stdout.write(JSON.stringify({
  NEGATE: v.NEGATE, BOOSTER_DICT: v.BOOSTER_DICT, SPECIAL_CASE_IDIOMS: v.SPECIAL_CASE_IDIOMS,
  B_INCR: v.B_INCR, B_DECR: v.B_DECR, C_INCR: v.C_INCR, N_SCALAR: v.N_SCALAR}));
"""

VADER_MIT = """The MIT License (MIT)

Copyright (c) 2016 C.J. Hutto

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE."""

CITATION = ("Hutto, C.J. & Gilbert, E.E. (2014). VADER: A Parsimonious Rule-based Model for Sentiment "
            "Analysis of Social Media Text. Eighth International Conference on Weblogs and Social Media "
            "(ICWSM-14). Ann Arbor, MI, June 2014.")


def fetch(version, workdir):
    """Runs `npm pack` in workdir; returns the tarball's path."""
    out = subprocess.run(["npm", "pack", "--silent", f"{PACKAGE}@{version}"], cwd=workdir, check=True,
                         capture_output=True, text=True).stdout.strip().splitlines()
    return os.path.join(workdir, out[-1])


def extract(tarball, workdir):
    with tarfile.open(tarball) as t:
        t.extractall(workdir, filter="data")
    return os.path.join(workdir, "package")


def read_lexicon(path):
    """(word, valence text) pairs of vader_lexicon.txt, in its order."""
    rows = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line:
                continue
            cols = line.split("\t")
            if len(cols) < 2:
                sys.exit(f"{path}:{n}: expected word<TAB>valence")
            float(cols[1])
            rows.append((cols[0], cols[1]))
    return rows


def dump_rules(package_dir, workdir):
    """The word lists and constants of src/vaderSentiment.js, evaluated by node."""
    src = os.path.join(package_dir, "src")
    module = os.path.join(workdir, "vader_rules.mjs")
    with open(os.path.join(src, "vaderSentiment.js"), encoding="utf-8") as f:
        body = f.read()
    with open(module, "w", encoding="utf-8") as f:
        f.write('import {createRequire} from "module"; const require = createRequire("'
                + os.path.join(src, "x.js") + '");\n' + body)
    out = subprocess.run(["node", "--input-type=module", "-e", NODE_DUMP, "file://" + module],
                         check=True, capture_output=True, text=True).stdout
    rules = json.loads(out)
    for name, want in EXPECTED_CONSTANTS.items():
        if rules[name] != want:
            sys.exit(f"{PACKAGE}: {name} is {rules[name]}, caspian's src/nlp/tone.cc uses {want}")
    return rules


def number(v):
    return repr(float(v)) if float(v) != int(v) else str(int(v))


def write(path, lines):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("".join(line + "\n" for line in lines))


def attribution(meta, sha1, license_text, notice, counts):
    version = meta["version"]
    return f"""# data/tone

VADER's sentiment lexicon and word lists, for the "tone" stage (`src/nlp/tone.h`): article and event
tone on GDELT's AvgTone scale and VADER's compound score (docs/architecture.md).

| file | what | from the package |
|---|---|---|
| `vader_lexicon.tsv` | `word<TAB>valence`: {counts['lexicon']} tokens with their mean valence rating (-4..+4) | `vader_lexicon.txt`, first two columns |
| `boosters.tsv` | `word<TAB>scalar`: {counts['boosters']} booster (+0.293) and dampener (-0.293) words | `BOOSTER_DICT` of `src/vaderSentiment.js` |
| `negations.txt` | {counts['negations']} negation words, one a line | `NEGATE` of `src/vaderSentiment.js` |
| `idioms.tsv` | `idiom<TAB>valence`: {counts['idioms']} special-case idioms | `SPECIAL_CASE_IDIOMS` of `src/vaderSentiment.js` |

Source: the npm package `{PACKAGE}` version {version} ({meta.get('description', '')}, repository
{meta.get('repository', {}).get('url', '')}), tarball SHA-1 `{sha1}`. The files were made by

```sh
python3 scripts/build_tone_lexicon.py --version {version}
```

which runs `npm pack {PACKAGE}@{version}` in a temporary directory and reads the files named above;
the data are unchanged (only the columns and entries listed are kept).

Please cite VADER when you use these data:

> {CITATION}

## Licences

The lexicon and the word lists are VADER's, by C.J. Hutto, published under the MIT licence with the
original Python implementation (vaderSentiment):

```
{VADER_MIT}
```

The npm package that carries them is the JavaScript port of VADER by Comcast, licensed under the
Apache License, Version 2.0 (package.json: "{meta.get('license', '')}"). Its NOTICE file:

```
{notice.strip()}
```

The full Apache License 2.0, as shipped in the package's LICENSE file, follows.

```
{license_text.strip()}
```
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--version", default=DEFAULT_VERSION, help=f"package version (default {DEFAULT_VERSION})")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "data", "tone"))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        tarball = fetch(args.version, tmp)
        with open(tarball, "rb") as f:
            sha1 = hashlib.sha1(f.read()).hexdigest()
        package_dir = extract(tarball, tmp)
        with open(os.path.join(package_dir, "package.json"), encoding="utf-8") as f:
            meta = json.load(f)
        with open(os.path.join(package_dir, "LICENSE"), encoding="utf-8") as f:
            license_text = f.read()
        with open(os.path.join(package_dir, "NOTICE"), encoding="utf-8") as f:
            notice = f.read()
        lexicon = read_lexicon(os.path.join(package_dir, "vader_lexicon.txt"))
        rules = dump_rules(package_dir, tmp)

    write(os.path.join(args.out, "vader_lexicon.tsv"), ["word\tvalence"] + [f"{w}\t{v}" for w, v in lexicon])
    write(os.path.join(args.out, "boosters.tsv"),
          ["word\tscalar"] + [f"{w}\t{number(s)}" for w, s in rules["BOOSTER_DICT"].items()])
    write(os.path.join(args.out, "negations.txt"), rules["NEGATE"])
    write(os.path.join(args.out, "idioms.tsv"),
          ["idiom\tvalence"] + [f"{w}\t{number(s)}" for w, s in rules["SPECIAL_CASE_IDIOMS"].items()])
    counts = {"lexicon": len(lexicon), "boosters": len(rules["BOOSTER_DICT"]),
              "negations": len(rules["NEGATE"]), "idioms": len(rules["SPECIAL_CASE_IDIOMS"])}
    with open(os.path.join(args.out, "ATTRIBUTION.md"), "w", encoding="utf-8", newline="\n") as f:
        f.write(attribution(meta, sha1, license_text, notice, counts))
    print(f"wrote {args.out}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


if __name__ == "__main__":
    main()

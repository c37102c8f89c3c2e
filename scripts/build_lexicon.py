#!/usr/bin/env python3
"""Builds caspian's English word-class lexicon (data/lexicon/en-wordnet.tsv.gz) from WordNet 3.0.

Usage:  scripts/build_lexicon.py [WORDNET_DIR] [--out FILE]

WORDNET_DIR defaults to /usr/share/wordnet (Debian package wordnet-base). Only the Python standard
library is used; the output is deterministic (sorted, gzip without a timestamp), so re-running it on
the same WordNet gives a byte-identical file.

The lexicon lists surface forms (lower-cased) with the Penn-style word classes WordNet allows for
them: the lemmas of the four WordNet parts of speech plus their inflections, regular ones generated
by the usual English spelling rules and irregular ones from WordNet's exception lists
(noun.exc, verb.exc, adj.exc). Generated regular forms may include a few non-words ("beautifuller");
they are harmless as features, since they almost never occur in text.

Classes: NN (noun lemma), NNS (plural), NNP (a noun lemma WordNet writes capitalised, e.g. "Paris"),
VB (verb lemma), VBZ, VBD (past tense or participle), VBG, JJ, JJR, JJS, RB.

Output: "#caspian-lexicon\t1" then "form<TAB>CLASS,CLASS,..." per line, sorted by form.
The part-of-speech tagger reads it at training time and stores it inside its model.
"""

import argparse
import gzip
import io
import os
import re
import sys

CLASSES = ["NN", "NNS", "NNP", "VB", "VBZ", "VBD", "VBG", "JJ", "JJR", "JJS", "RB"]
WORD_RE = re.compile(r"^[a-z0-9][a-z0-9'.\-]*$")
VOWELS = set("aeiou")


def plural(w):
    if re.search(r"(s|x|z|ch|sh)$", w):
        return [w + "es"]
    if re.search(r"[^aeiou]y$", w):
        return [w[:-1] + "ies"]
    return [w + "s"]


def doubles(w):
    """Whether a final consonant doubles before -ed/-ing (stop -> stopped): CVC, short word."""
    return (len(w) >= 3 and len(w) <= 5 and w[-1] not in VOWELS and w[-1] not in "wxy"
            and w[-2] in VOWELS and w[-3] not in VOWELS)


def suffixed(w, suffix):
    """w + a vowel-initial suffix (-ed, -ing, -er, -est) with English spelling changes."""
    if suffix == "ing":
        if w.endswith("ie"):
            return [w[:-2] + "ying"]
        if w.endswith("e") and not w.endswith(("ee", "ye", "oe")):
            return [w[:-1] + "ing"]
    else:
        if w.endswith("e"):
            return [w + suffix[1:]]
        if re.search(r"[^aeiou]y$", w):
            return [w[:-1] + "i" + suffix]
    forms = [w + suffix]
    if doubles(w):
        forms.append(w + w[-1] + suffix)
    return forms


def read_lemmas(wordnet, pos_file):
    """Yields (lemma as written, synset type) from data.<pos>."""
    with open(os.path.join(wordnet, "data." + pos_file), encoding="latin-1") as f:
        for line in f:
            if line.startswith("  "):
                continue  # licence header
            parts = line.split(" ")
            ss_type = parts[2]
            count = int(parts[3], 16)
            for k in range(count):
                word = parts[4 + 2 * k]
                word = re.sub(r"\([a-z]+\)$", "", word)  # adjective markers: (a), (p), (ip)
                yield word, ss_type


def read_exceptions(wordnet, name):
    out = []
    with open(os.path.join(wordnet, name + ".exc"), encoding="latin-1") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2:
                out.append((parts[0], parts[1:]))
    return out


def build(wordnet):
    lex = {}

    def add(form, cls):
        form = form.lower()
        if "_" in form or not WORD_RE.match(form):
            return
        lex.setdefault(form, set()).add(cls)

    for word, _ in read_lemmas(wordnet, "noun"):
        lower = word.lower()
        add(lower, "NNP" if word[:1].isupper() else "NN")
        if not word[:1].isupper():
            for p in plural(lower):
                add(p, "NNS")
    for word, _ in read_lemmas(wordnet, "verb"):
        w = word.lower()
        add(w, "VB")
        for p in plural(w):
            add(p, "VBZ")
        for p in suffixed(w, "ed"):
            add(p, "VBD")
        for p in suffixed(w, "ing"):
            add(p, "VBG")
    for word, _ in read_lemmas(wordnet, "adj"):
        w = word.lower()
        add(w, "JJ")
        if "-" not in w and len(w) <= 7:  # comparatives of short adjectives only
            for p in suffixed(w, "er"):
                add(p, "JJR")
            for p in suffixed(w, "est"):
                add(p, "JJS")
    for word, _ in read_lemmas(wordnet, "adv"):
        add(word, "RB")
    for form, _ in read_exceptions(wordnet, "noun"):
        add(form, "NNS")
    for form, lemmas in read_exceptions(wordnet, "verb"):
        # verb.exc maps irregular past forms, participles and -ing forms to lemmas.
        add(form, "VBG" if form.endswith("ing") else ("VBZ" if form.endswith("s") else "VBD"))
    for form, lemmas in read_exceptions(wordnet, "adj"):
        if form in lemmas:
            continue
        add(form, "JJS" if form.endswith("st") else "JJR")
    return lex


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("wordnet", nargs="?", default="/usr/share/wordnet")
    parser.add_argument("--out", default=os.path.join(root, "data", "lexicon", "en-wordnet.tsv.gz"))
    args = parser.parse_args()
    if not os.path.exists(os.path.join(args.wordnet, "data.noun")):
        sys.exit(f"{args.wordnet}: no WordNet data.noun (apt-get install wordnet-base)")
    lex = build(args.wordnet)
    text = io.StringIO()
    text.write("#caspian-lexicon\t1\n")
    for form in sorted(lex):
        classes = [c for c in CLASSES if c in lex[form]]
        text.write(form + "\t" + ",".join(classes) + "\n")
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
            gz.write(text.getvalue().encode("utf-8"))
    print(f"{args.out}: {len(lex)} forms", file=sys.stderr)


if __name__ == "__main__":
    main()

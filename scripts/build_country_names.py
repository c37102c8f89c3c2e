#!/usr/bin/env python3
"""Builds data/gazetteer/country_names.tsv: country names in other languages than English.

Usage:  scripts/build_country_names.py [DATA_ROOT] [--out DIR]

DATA_ROOT defaults to ../shared/data relative to the repository root and must hold
gazetteer/countries/i18n-iso-countries-7.14.0/*.json (MIT: names in 78 locales, with aliases)
and gazetteer/countries/world-countries-5.1.0.countries.json (ODbL 1.0: the common and official
names of its `translations`, 23 languages). Only the Python standard library is used; the output
is deterministic (sorted, no timestamps).

Writes country_names.tsv, read by the "country-names" stage (src/kb/country_name_linker.cc):
  #caspian-gazetteer-country-names<TAB>1
  #alpha2<TAB>language<TAB>name
one row per (country, ISO 639-1 language, name), sorted. alpha2 is a key of countries.tsv, so a
name links to the same entity as the English gazetteer (iso3166:<alpha3>). English is left out:
the "gazetteer" stage already knows those names.

Which names are kept (precision first: a wrong country link is worse than a missing one, and the
stage matches case-folded, so a name that is also an ordinary word would fire on that word):
  * NFC, whitespace collapsed; names with parentheses or commas are dropped ("Corée, République
    de", "Виргинские Острова (США)"): inverted or qualified forms that running text never uses;
  * at least 3 letters in spaced scripts (drops "DU", "UK"-like codes), at least 2 code points in
    Han, Kana, Hangul and Thai, where 2-character names ("法国", "中国") are the common form;
  * Latin-script abbreviations written in capitals ("USA", "EAU", "EUA") are dropped: folded, they
    are ordinary words ("eau", water); non-Latin ones ("США", "ОАЭ", "ΗΠΑ") are kept;
  * a name that two countries share in one language ("Congo", "Guinée" forms, the Virgin Islands)
    is dropped for both;
  * a Latin-script name whose key is an English common word in ambiguous.tsv ("Man") is dropped
    (foreign news quotes English);
  * COMMON_WORDS below: names that are ordinary words in their own language, found by reading the
    short names (at most 5 letters) of the languages CLD2 labels most often in news.
"""

import argparse
import collections
import glob
import json
import os
import sys
import unicodedata

FORMAT_VERSION = 1

# world-countries' translation keys (ISO 639-2/3) -> ISO 639-1, as the "language" stage labels.
WORLD_COUNTRIES_LANGUAGES = {
    "ara": "ar", "ces": "cs", "deu": "de", "est": "et", "fin": "fi", "fra": "fr", "hrv": "hr",
    "hun": "hu", "ita": "it", "jpn": "ja", "kor": "ko", "nld": "nl", "per": "fa", "pol": "pl",
    "por": "pt", "rus": "ru", "slk": "sk", "spa": "es", "srp": "sr", "swe": "sv", "tur": "tr",
    "urd": "ur", "zho": "zh",
}

# (language, folded name): country names that are common words of that language.
COMMON_WORDS = {
    ("ar", "مالي"),  # "financial"
    ("ar", "عمان"),  # Oman, unvocalised also Amman (the capital of Jordan)
    ("fa", "مالی"),  # "financial"
    ("tr", "mali"),  # "financial, fiscal"
    ("hr", "mali"), ("bs", "mali"), ("sr", "mali"), ("sl", "mali"),  # "small"
    ("sk", "mali"),  # "(they) had"
    ("pl", "czad"),  # "carbon monoxide"
    ("es", "granada"), ("pt", "granada"), ("ca", "granada"), ("gl", "granada"),  # the Spanish city
    ("nl", "man"), ("de", "man"), ("sv", "man"), ("da", "man"), ("nb", "man"), ("no", "man"),
}

# Scripts written without spaces between words: names in them match inside a run of characters.
UNSPACED_RANGES = [
    (0x0E00, 0x0E7F),  # Thai
    (0x1100, 0x11FF),  # Hangul Jamo
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x3400, 0x4DBF),  # CJK Extension A
    (0x4E00, 0x9FFF),  # CJK Unified Ideographs
    (0xAC00, 0xD7AF),  # Hangul syllables
    (0xF900, 0xFAFF),  # CJK Compatibility Ideographs
]


def fail(message):
    print(f"build_country_names: {message}", file=sys.stderr)
    sys.exit(1)


def unspaced(ch):
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in UNSPACED_RANGES)


def is_latin(ch):
    return ch.isalpha() and "LATIN" in unicodedata.name(ch, "")


def fold(name):
    # Per code point simple lower case, as the stage folds (str.lower() of one character can
    # expand: "İ" -> "i̇"; the stage maps it to "i").
    out = []
    for ch in name:
        low = ch.lower()
        out.append(low if len(low) == 1 else ch.lower()[0])
    return "".join(out)


def ascii_key(name):
    # Gazetteer::key for the names it can match: accents stripped, lower case, letters and spaces.
    s = unicodedata.normalize("NFKD", name)
    s = "".join(c for c in s if not unicodedata.combining(c))
    return " ".join("".join(c if c.isalnum() else " " for c in s.lower()).split())


def clean(name):
    name = unicodedata.normalize("NFC", name)
    return " ".join(name.split())


def keep_shape(name):
    if "(" in name or ")" in name or "," in name:
        return False
    letters = [c for c in name if c.isalpha()]
    if any(unspaced(c) for c in letters):
        return len(name) >= 2
    if len(letters) < 3:
        return False
    if all(is_latin(c) for c in letters) and name.upper() == name and " " not in name:
        return False  # "USA", "EAU"
    return True


def load_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        fail(f"{path}: {e}")


def read_country_codes(path):
    codes = set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            codes.add(line.split("\t", 1)[0])
    return codes


def read_english_words(path):
    words = set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            name, cls = line.rstrip("\n").split("\t")[:2]
            if cls == "word":
                words.add(ascii_key(name))
    return words


def collect(root, codes):
    """(language, alpha2) -> set of names, from both sources."""
    names = collections.defaultdict(set)
    i18n = os.path.join(root, "countries", "i18n-iso-countries-7.14.0")
    files = sorted(glob.glob(os.path.join(i18n, "*.json")))
    if not files:
        fail(f"no locale files in {i18n}")
    for path in files:
        if os.path.basename(path) == "codes.json":
            continue
        data = load_json(path)
        lang = data["locale"]
        if lang == "en":
            continue
        for a2, value in data["countries"].items():
            if a2 not in codes:
                continue
            for n in value if isinstance(value, list) else [value]:
                names[(lang, a2)].add(clean(n))
    world = load_json(os.path.join(root, "countries", "world-countries-5.1.0.countries.json"))
    for c in world:
        a2 = c.get("cca2", "")
        if a2 not in codes:
            continue
        for key, lang in WORLD_COUNTRIES_LANGUAGES.items():
            t = c.get("translations", {}).get(key)
            if not t:
                continue
            for field in ("common", "official"):
                if t.get(field):
                    names[(lang, a2)].add(clean(t[field]))
    return names


def select(names, english_words):
    by_folded = collections.defaultdict(set)  # (language, folded) -> alpha2 codes
    for (lang, a2), ns in names.items():
        for n in ns:
            by_folded[(lang, fold(n))].add(a2)
    rows = set()
    dropped = collections.Counter()
    for (lang, a2), ns in names.items():
        for n in ns:
            f = fold(n)
            if not keep_shape(n):
                dropped["shape"] += 1
            elif len(by_folded[(lang, f)]) > 1:
                dropped["shared by countries"] += 1
            elif (lang, f) in COMMON_WORDS:
                dropped["common word"] += 1
            elif all(is_latin(c) for c in n if c.isalpha()) and ascii_key(n) in english_words:
                dropped["English common word"] += 1
            else:
                rows.add((a2, lang, n))
    return sorted(rows, key=lambda r: (r[1], r[0], r[2])), dropped


def main():
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data_root", nargs="?", default=os.path.join(repo, "..", "shared", "data"))
    ap.add_argument("--out", default=os.path.join(repo, "data", "gazetteer"))
    args = ap.parse_args()
    root = os.path.join(args.data_root, "gazetteer")
    if not os.path.isdir(root):
        fail(f"{root} is not a directory")
    codes = read_country_codes(os.path.join(args.out, "countries.tsv"))
    english_words = read_english_words(os.path.join(args.out, "ambiguous.tsv"))
    rows, dropped = select(collect(root, codes), english_words)
    out = [f"#caspian-gazetteer-country-names\t{FORMAT_VERSION}\n#alpha2\tlanguage\tname\n"]
    for a2, lang, n in rows:
        out.append(f"{a2}\t{lang}\t{n}\n")
    with open(os.path.join(args.out, "country_names.tsv"), "w", encoding="utf-8", newline="\n") as f:
        f.write("".join(out))
    per_language = collections.Counter(lang for _, lang, _ in rows)
    print(f"country_names.tsv: {len(rows)} names in {len(per_language)} languages; dropped "
          + ", ".join(f"{k}: {v}" for k, v in sorted(dropped.items())), file=sys.stderr)


if __name__ == "__main__":
    main()

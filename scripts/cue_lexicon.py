#!/usr/bin/env python3
"""Regenerates crates/engine/src/extract/cues.txt, the cue words learned from
PolNeAR train (never dev): the words that head an annotated attribution cue
at least MIN_COUNT times and are a cue in at least MIN_RATIO of their
occurrences in the train texts. Only the words are kept, no text.

Usage: python3 scripts/cue_lexicon.py [DATASETS_DIR]   (default ../shared/datasets)
"""
import collections
import os
import re
import sys

MIN_COUNT = 2
MIN_RATIO = 0.12
SKIP = {"has", "have", "had", "is", "was", "were", "are", "be", "been", "also", "not", "did", "does",
        "do", "to", "will", "would", "could", "can", "may", "might", "should", "must", "the", "a",
        "an", "of", "in", "on", "for", "by", "about", "that", "it", "as", "with", "at", "from",
        "and", "or", "but", "up", "out", "into", "no", "never", "still", "even", "just", "later",
        "often", "recently", "then", "once", "again", "first", "repeatedly", "publicly", "privately"}


def main():
    datasets = sys.argv[1] if len(sys.argv) > 1 else os.path.join("..", "shared", "datasets")
    root = os.path.join(datasets, "polnear", "data", "train")
    first = {}
    for name in sorted(os.listdir(os.path.join(root, "attributions"))):
        first.setdefault(name.rsplit("_", 1)[0], name)
    as_cue = collections.Counter()
    seen = collections.Counter()
    for base, ann in first.items():
        text = open(os.path.join(root, "text", base + ".txt"), encoding="utf-8").read()
        seen.update(re.findall(r"[a-z]+", text))
        for line in open(os.path.join(root, "attributions", ann), encoding="utf-8"):
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 3 and parts[1].startswith("Cue "):
                words = [w for w in re.findall(r"[a-z]+", parts[2])
                         if w not in SKIP and not w.endswith("ly")]
                if words:
                    as_cue[words[0]] += 1
    keep = sorted(w for w, n in as_cue.items()
                  if n >= MIN_COUNT and seen[w] and n / seen[w] >= MIN_RATIO and len(w) > 2)
    out = os.path.join("crates", "engine", "src", "extract", "cues.txt")
    with open(out, "w", encoding="utf-8") as f:
        f.write("".join(w + "\n" for w in keep))
    print(f"{out}: {len(keep)} words")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Precision and recall of `check --suggest` on a corpus with an expected.toml.

    python3 bench/suggest_score.py BRIEFING CORPUS_DIR [--show] [--min-score S]

Runs `BRIEFING check --suggest --format json --limit 0 --root CORPUS_DIR` (falls back to no
--limit for binaries without it) and matches each suggestion against the [[expect]] list:
a suggestion is right when its code is the expected code and it pairs the expected
passages. "exact" needs each passage's text to equal the expected text; "overlap" needs
the same article and texts that overlap in the file (one contains the other, or they
share a byte), so that a reader that takes "1,340-pound" where the corpus wrote
"1,340-pound weight" is not counted wrong. A grouped suggestion (one conflict in many
articles) counts once for each expected pair it covers.
"""
import json
import subprocess
import sys
import tomllib


MIN_SCORE = []  # ["--min-score", S] when given


def run(binary, root):
    for extra in (["--limit", "0", *MIN_SCORE], []):
        p = subprocess.run([binary, "check", "--suggest", "--format", "json", "--root", root, *extra],
                           capture_output=True, text=True)
        if "--limit" in p.stderr and extra:
            continue
        out = []
        for line in p.stdout.splitlines():
            try:
                o = json.loads(line)
            except json.JSONDecodeError:
                continue
            if o.get("kind", "suggestion") == "suggestion" and "passages" in o:
                out.append(o)
        return out
    return []


def text_of(root, passage):
    return passage["article"], passage["text"]


def pairs(s):
    """The passage pairs a suggestion claims: its own pairs, or all of them."""
    ps = s["passages"]
    if s.get("pairs"):
        return [[ps[i], ps[j]] for i, j in s["pairs"]]
    return [ps]


def matches(got, want, mode):
    art, text = got["article"], got["text"]
    wart, wtext = want.split(": ", 1)
    if art != wart:
        return False
    if mode == "exact":
        return text == wtext
    return wtext in text or text in wtext


def score(binary, root, mode):
    expected = tomllib.load(open(f"{root}/expected.toml", "rb"))["expect"]
    found = run(binary, root)
    hit_exp = set()
    wrong = []
    for s in found:
        ok = False
        for ps in pairs(s):
            for k, e in enumerate(expected):
                if e["code"] != s["code"] or len(e["passages"]) != len(ps):
                    continue
                if len(ps) == 1 and matches(ps[0], e["passages"][0], mode):
                    hit_exp.add(k); ok = True
                elif len(ps) == 2 and ((matches(ps[0], e["passages"][0], mode) and matches(ps[1], e["passages"][1], mode))
                                       or (matches(ps[0], e["passages"][1], mode) and matches(ps[1], e["passages"][0], mode))):
                    hit_exp.add(k); ok = True
        if not ok:
            wrong.append(s)
    right = len(found) - len(wrong)
    missed = [e for k, e in enumerate(expected) if k not in hit_exp]
    return found, right, wrong, missed, len(expected)


def main():
    import signal
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    binary, root = sys.argv[1], sys.argv[2]
    show = "--show" in sys.argv
    if "--min-score" in sys.argv:
        MIN_SCORE.extend(["--min-score", sys.argv[sys.argv.index("--min-score") + 1]])
    for mode in ("exact", "overlap"):
        found, right, wrong, missed, planted = score(binary, root, mode)
        p = right / len(found) if found else 0.0
        r = (planted - len(missed)) / planted if planted else 0.0
        name = root.rstrip("/").split("/")[-1]
        print(f"| {name} | {mode} | {planted} | {len(found)} | {right} | {len(wrong)} | {len(missed)} | {p:.2f} | {r:.2f} |")
        if show and mode == "overlap":
            for s in wrong:
                print("  wrong:", s["code"], [f'{x["article"]}: {x["text"]}' for x in s["passages"]])
            for e in missed:
                print("  missed:", e["code"], e["passages"])


if __name__ == "__main__":
    main()

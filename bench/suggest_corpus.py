#!/usr/bin/env python3
"""Writes a site of N generated news articles for `check --suggest` benchmarks.

    python3 bench/suggest_corpus.py DIR N [SEED]

Plain news prose, about 5 KB an article, full of dates, figures and quotations: the shape
of a real archive, where many articles report each of many events, most agree, and a few
get a date or a figure wrong. One event per 20 articles; every event has a date, an
amount, a count and a speaker, and about one article in eight misstates one of them.
Deterministic for a seed. No claims: everything is for --suggest to find.
"""
import os
import random
import sys

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
PLACES = ["Aldmoor", "Brackwater", "Castleigh", "Dunmere", "Eastvale", "Fernhold", "Greyport",
          "Harrowgate", "Ivybridge", "Kellbrook", "Lowmarsh", "Millhaven", "Northcott", "Oakridge",
          "Pelham", "Queensbury", "Redwick", "Saltmere", "Thornbury", "Upwell"]
THINGS = ["bridge", "hospital wing", "tram line", "school", "reservoir", "library", "ferry terminal",
          "sports centre", "water plant", "bus depot", "flood barrier", "market hall"]
ROLES = ["mayor", "council leader", "chief engineer", "project director", "health minister",
         "transport secretary", "union spokesperson", "site manager"]
FIRST = ["Ines", "Tomas", "Priya", "Owen", "Marta", "Kwame", "Lena", "Rafael", "Aiko", "Sven"]
LAST = ["Calder", "Okafor", "Lindqvist", "Moreau", "Haddad", "Brennan", "Sato", "Varga", "Quinn"]
FILLER = [
    "Residents gathered near the entrance long before the ceremony began.",
    "Local businesses said they expected more customers in the months ahead.",
    "The project had been discussed for years before work finally started.",
    "Critics questioned whether the money could have been spent elsewhere.",
    "Engineers said the design had been changed twice during construction.",
    "A small protest took place outside, but it ended peacefully.",
    "The weather held for most of the day, despite a forecast of rain.",
    "Officials promised a full report on the costs later in the year.",
    "Several councillors from the opposition did not attend the event.",
    "Traffic in the town centre was diverted for much of the afternoon.",
]


def event(rng, i):
    place, thing = rng.choice(PLACES), rng.choice(THINGS)
    year = rng.choice([2024, 2025, 2026])
    return {
        "place": place, "thing": thing, "year": year,
        "month": rng.randrange(12), "day": rng.randrange(1, 29),
        "cost": rng.randrange(12, 900), "workers": rng.randrange(40, 2000),
        "visitors": rng.randrange(1000, 60000),
        "speaker": f"{rng.choice(FIRST)} {rng.choice(LAST)}", "role": rng.choice(ROLES),
        "quote": rng.choice([
            "This will change how people live and work here",
            "We kept our promise to the people of this town",
            "Nobody believed we could finish it on time",
            "It is the biggest investment this area has seen in a generation",
        ]),
        "id": i,
    }


def article(rng, ev, slip):
    day, month, year = ev["day"], ev["month"], ev["year"]
    cost, workers, visitors, quote = ev["cost"], ev["workers"], ev["visitors"], ev["quote"]
    if slip == "date":
        day = day + rng.choice([-2, -1, 1, 2])
        day = min(max(day, 1), 28)
    elif slip == "cost":
        cost = cost + rng.choice([-1, 1]) * max(1, cost // 10)
    elif slip == "workers":
        workers = workers + rng.choice([-1, 1]) * max(5, workers // 8)
    elif slip == "quote":
        quote = quote.replace("people", "families").replace("town", "valley").replace("time", "budget")
    date = f"{MONTHS[month]} {day}, {year}" if rng.random() < 0.5 else f"{day} {MONTHS[month]} {year}"
    p = [
        f"The new {ev['thing']} in {ev['place']} opened on {date}, after years of planning.",
        f"The {ev['role']}, {ev['speaker']}, said: \u201c{quote}.\u201d",
        f"The project cost \u00a3{cost} million, according to figures published by the council.",
        f"About {workers:,} workers were employed on the site at the height of construction.",
        f"Organisers said {visitors:,} visitors came on the first weekend.",
    ]
    body = []
    while sum(len(x) for x in body) < 4800:
        body.append(rng.choice(p) if rng.random() < 0.35 else rng.choice(FILLER))
    body[:len(p)] = p if len(body) >= len(p) else body
    rng.shuffle(body)
    paras = [" ".join(body[i:i + 4]) for i in range(0, len(body), 4)]
    return f"{ev['thing'].capitalize()} opens in {ev['place']}", "\n\n".join(paras) + "\n"


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    root, n = sys.argv[1], int(sys.argv[2])
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    os.makedirs(os.path.join(root, "content", "articles"), exist_ok=True)
    with open(os.path.join(root, "briefing.toml"), "w") as f:
        f.write('title = "Generated archive"\ndescription = "Generated news for check --suggest benchmarks."\n'
                '\n[publisher]\nname = "Bench desk"\n')
    with open(os.path.join(root, "content", "claims.toml"), "w") as f:
        f.write("# No claims: everything is for check --suggest to find.\n")
    events = [event(rng, i) for i in range(max(1, n // 20))]
    for i in range(n):
        ev = events[i % len(events)]
        slip = rng.choice(["date", "cost", "workers", "quote"]) if rng.random() < 0.125 else None
        title, body = article(rng, ev, slip)
        with open(os.path.join(root, "content", "articles", f"a{i:05}.md"), "w") as f:
            f.write(f'+++\ntitle = "{title}"\noutlet = "Outlet {i % 37}"\n+++\n{body}')


if __name__ == "__main__":
    main()

"""Build the benchmark corpus: real reports, repeated with variations, as JSON Lines shards.

The templates are the seed report (examples/seed/report.jsonl), the re3d documents and the CASE-2021
snippets from ../shared/evaldata. Each generated report is one template with its sentences shuffled
within paragraphs, its place names swapped for others of the region, its dates changed and a new
publication date, so that every report has its own text (its own content id) while the words, the
sentence lengths and the mix of eventful and uneventful text stay those of real news.

    python bench/corpus.py --reports 10000 --out /tmp/kharita-corpus
    python bench/corpus.py --articles 0 --out /tmp/kharita-articles     # the article corpus, all of it

The article corpus (issue 14) is real-length news, each article once and as it is: the GeoWebNews
articles (geoparsing-gritta/GWN.xml), the re3d documents and the UCDP-AEC validation articles
(ucdp-aec-validation/validation.jsonl, `source_article`, published on its `source_date`), taken
in turn from the three, so that a shorter corpus keeps their mix. Most of their sentences tell no
event, where the snippet corpus above is mostly event sentences.

The generator is deterministic for a given --seed, and streams: memory does not grow with --reports.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import itertools
import json
import random
import re
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "evaldata"
SEED_REPORT = REPO / "examples" / "seed" / "report.jsonl"

# Places of the region (English gazetteer spellings, with the forms the templates use). A name found in
# a template is swapped for another one of this list.
PLACES: tuple[str, ...] = (
    "Hasakah", "Qamishli", "Raqqa", "Aleppo", "Homs", "Hama", "Idlib", "Deir ez-Zor", "Palmyra",
    "Kobani", "Manbij", "Tal Abyad", "Ras al-Ain", "Afrin", "Jarabulus", "Mayadin", "Al-Bab",
    "Damascus", "Daraa", "Latakia", "Tartus", "Douma", "Mosul", "Tikrit", "Ramadi", "Fallujah",
    "Kirkuk", "Erbil", "Baghdad", "Sinjar", "Baiji", "Samarra", "Tal Afar", "Haditha", "Qayyarah",
)
_PLACE_RE = re.compile(r"\b(" + "|".join(re.escape(p) for p in sorted(PLACES, key=len, reverse=True)) + r")\b")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")
_MONTH_DAY_RE = re.compile(r"\b(" + "|".join(_MONTHS) + r") (\d{1,2})\b")
_SENTENCE_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“‘'])")


@dataclass(frozen=True, slots=True)
class Template:
    """One real report the corpus repeats."""

    text: str
    title: str
    outlet: str
    url: str
    kind: str                          # seed | re3d | case


def load_templates(data: Path = DEFAULT_DATA) -> list[Template]:
    """The seed report, every re3d document and every CASE-2021 snippet, in a fixed order."""
    templates: list[Template] = []
    with SEED_REPORT.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                rec = json.loads(line)
                templates.append(Template(rec["text"], rec.get("title") or "", rec.get("outlet") or "",
                                          rec.get("url") or "", "seed"))
    re3d = sorted((data / "re3d").glob("*/documents.json"))
    case = data / "case2021-task2" / "dev_even_ids.tsv"
    if not re3d or not case.exists():
        sys.exit(f"No evaluation data under {data}: pass --data pointing at shared/evaldata")
    for path in re3d:
        with path.open(encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    rec = json.loads(line)
                    templates.append(Template(rec["text"], rec.get("title") or "", rec.get("sourceName") or "",
                                              rec.get("sourceUrl") or "", "re3d"))
    with case.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            templates.append(Template(row["EventSnippet"], "", "CASE-2021 snippet",
                                      f"case2021:task2:{row['id']}", "case"))
    return templates


def _shuffle_sentences(text: str, rng: random.Random) -> str:
    paragraphs = text.split("\n")
    out = []
    for para in paragraphs:
        sentences = _SENTENCE_RE.split(para)
        if len(sentences) > 2:
            head, rest = sentences[0], sentences[1:]
            rng.shuffle(rest)
            sentences = [head, *rest]
        out.append(" ".join(sentences))
    return "\n".join(out)


def _swap_places(text: str, rng: random.Random) -> str:
    found = sorted(set(_PLACE_RE.findall(text)))
    if not found:
        return text
    targets = rng.sample(PLACES, len(found))
    mapping = dict(zip(found, targets, strict=True))
    return _PLACE_RE.sub(lambda m: mapping[m.group(1)], text)


def _change_dates(text: str, rng: random.Random) -> str:
    return _MONTH_DAY_RE.sub(lambda m: f"{rng.choice(_MONTHS)} {rng.randint(1, 28)}", text)


def vary(template: Template, rng: random.Random) -> str:
    """One variant of a template's text: sentences shuffled, places swapped, dates changed."""
    text = template.text
    if rng.random() < 0.5:
        text = _shuffle_sentences(text, rng)
    text = _swap_places(text, rng)
    return _change_dates(text, rng)


def generate(n: int, *, data: Path = DEFAULT_DATA, seed: int = 7) -> Iterator[dict[str, object]]:
    """`n` report records (JSON Lines objects), cycling through the templates with variations.

    A variant whose text was already produced gets a dateline ("Raqqa, March 3 (outlet) – "), as
    wire reports have, until it is new; ids are only the first 8 bytes of the text hash, so the
    set of seen texts stays small even for millions of reports.
    """
    templates = load_templates(data)
    rng = random.Random(seed)
    seen: set[bytes] = set()
    start = dt.date(2014, 1, 1)
    for i in range(n):
        template = templates[i % len(templates)]
        text = vary(template, rng) if i >= len(templates) else template.text
        key = hashlib.sha256(" ".join(text.split()).encode()).digest()[:8]
        tries = 0
        while key in seen and tries < 50:
            dateline = f"{rng.choice(PLACES)}, {rng.choice(_MONTHS)} {rng.randint(1, 28)} ({template.outlet}) – "
            candidate = dateline + vary(template, rng)
            key = hashlib.sha256(" ".join(candidate.split()).encode()).digest()[:8]
            tries += 1
            text = candidate
        seen.add(key)
        published = start + dt.timedelta(days=rng.randint(0, 6 * 365))
        yield {
            "id": f"bench-{i:07d}",
            "url": f"{template.url}#bench-{i}" if template.url else None,
            "title": template.title or None,
            "outlet": template.outlet or None,
            "published": published.isoformat(),
            "text": text,
        }


def write_corpus(n: int, out: Path, *, shard_size: int = 5000, data: Path = DEFAULT_DATA,
                 seed: int = 7) -> list[Path]:
    """Write `n` reports as JSON Lines shards of `shard_size` lines under `out`; return the shards."""
    out.mkdir(parents=True, exist_ok=True)
    shards: list[Path] = []
    handle = None
    try:
        for i, record in enumerate(generate(n, data=data, seed=seed)):
            if i % shard_size == 0:
                if handle is not None:
                    handle.close()
                shards.append(out / f"corpus-{i // shard_size:05d}.jsonl")
                handle = shards[-1].open("w", encoding="utf-8")
            assert handle is not None
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    finally:
        if handle is not None:
            handle.close()
    return shards


def load_articles(data: Path = DEFAULT_DATA) -> list[list[dict[str, object]]]:
    """The article corpus's three sources, each a list of report records, in a fixed order."""
    import xml.etree.ElementTree as ET

    gwn = data / "geoparsing-gritta" / "GWN.xml"
    ucdp = data / "ucdp-aec-validation" / "validation.jsonl"
    re3d = sorted((data / "re3d").glob("*/documents.json"))
    if not gwn.exists() or not ucdp.exists() or not re3d:
        sys.exit(f"No evaluation data under {data}: pass --data pointing at shared/evaldata")
    web = [{"id": f"gwn-{art.get('file')}", "url": art.findtext("link") or None,
            "title": art.findtext("title") or None, "outlet": "GeoWebNews", "published": None,
            "text": art.findtext("text") or ""} for art in ET.parse(gwn).getroot().iter("article")]
    documents = []
    for path in re3d:
        with path.open(encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    rec = json.loads(line)
                    documents.append({"id": f"re3d-{len(documents)}", "url": rec.get("sourceUrl") or None,
                                      "title": rec.get("title") or None, "outlet": rec.get("sourceName") or None,
                                      "published": None, "text": rec["text"]})
    validation = []
    with ucdp.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                rec = json.loads(line)
                validation.append({"id": f"ucdp-{rec['id']}", "url": None, "title": None, "outlet": "UCDP-AEC",
                                   "published": (rec.get("source_date") or "")[:10] or None,
                                   "text": rec["source_article"]})
    return [web, documents, validation]


def write_articles(out: Path, *, limit: int = 0, data: Path = DEFAULT_DATA) -> list[Path]:
    """The article corpus (every article, or the first `limit` taken in turn from the three
    sources) as one JSON Lines shard under `out`; returns [the shard]."""
    sources = load_articles(data)
    mixed = [rec for group in itertools.zip_longest(*sources) for rec in group if rec is not None]
    if limit:
        mixed = mixed[:limit]
    out.mkdir(parents=True, exist_ok=True)
    shard = out / "articles-00000.jsonl"
    with shard.open("w", encoding="utf-8") as f:
        for rec in mixed:
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return [shard]


def iter_texts(shards: list[Path]) -> Iterator[str]:
    """The texts of a written corpus, in order (for the bare spaCy baseline)."""
    for shard in shards:
        with shard.open(encoding="utf-8") as f:
            for line in f:
                yield json.loads(line)["text"]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=10_000, help="how many reports (default 10000)")
    parser.add_argument("--out", type=Path, default=None, help="folder for the shards (default: a new temp folder)")
    parser.add_argument("--shard-size", type=int, default=5000, help="reports per JSON Lines shard")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared/evaldata folder")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--articles", type=int, default=None,
                        help="write the article corpus instead: this many articles (0: all)")
    args = parser.parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="kharita-corpus-"))
    if args.articles is not None:
        shards = write_articles(out, limit=args.articles, data=args.data)
    else:
        shards = write_corpus(args.reports, out, shard_size=args.shard_size, data=args.data, seed=args.seed)
    texts = list(iter_texts(shards))
    words = sum(len(t.split()) for t in texts)
    print(f"{len(texts)} reports, {words} words, {len(shards)} shards in {out}")


if __name__ == "__main__":
    main()

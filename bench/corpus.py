"""Realistic Markdown corpora for the benchmarks, generated deterministically.

A post looks like what a technical blog keeps in git: YAML front matter (title, date with
an offset, one or two categories — some of them ``Parent/Child`` —, two to five tags, an
excerpt), then a body of a few sections with paragraphs, a bulleted and a numbered list,
a fenced code block and a table.  One post in ten shows a small PNG (generated here, a
few hundred bytes, each image distinct) stored under ``images/``.

Posts are spread over ``<year>/<month>/`` folders, the way archives usually are.  The
same ``seed`` always gives the same bytes, so runs are comparable.
"""

from __future__ import annotations

import random
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

CATEGORIES = (
    "News",
    "Guides",
    "Guides/Python",
    "Guides/PHP",
    "Guides/Databases",
    "Opinion",
    "Releases",
    "Events",
    "Tutorials/Beginners",
    "Tutorials/Advanced",
    "Security",
    "Performance",
)

TAGS = tuple(
    f"{word}"
    for word in [
        "python",
        "asyncio",
        "sqlite",
        "mariadb",
        "wordpress",
        "markdown",
        "git",
        "rest-api",
        "jwt",
        "http",
        "caching",
        "indexes",
        "queries",
        "testing",
        "ci",
        "docker",
        "linux",
        "systemd",
        "nginx",
        "php",
        "tls",
        "dns",
        "backups",
        "monitoring",
        "logging",
        "profiling",
        "memory",
        "threads",
        "unicode",
        "json",
        "yaml",
        "toml",
        "packaging",
        "pip",
        "venv",
        "typing",
        "dataclasses",
        "click",
        "pytest",
        "hypothesis",
        "refactoring",
        "design",
        "api-design",
        "migrations",
        "schema",
        "replication",
        "latency",
        "throughput",
        "benchmarks",
        "editors",
        "vim",
        "emacs",
        "accessibility",
        "i18n",
        "rss",
        "feeds",
        "images",
        "media",
        "privacy",
        "gdpr",
    ]
)

_WORDS = [
    "the",
    "a",
    "of",
    "to",
    "and",
    "in",
    "that",
    "is",
    "for",
    "it",
    "with",
    "as",
    "was",
    "on",
    "be",
    "at",
    "by",
    "this",
    "had",
    "not",
    "are",
    "but",
    "from",
    "or",
    "have",
    "an",
    "they",
    "which",
    "one",
    "you",
    "were",
    "her",
    "all",
    "she",
    "there",
    "would",
    "their",
    "we",
    "him",
    "been",
    "has",
    "when",
    "who",
    "will",
    "more",
    "no",
    "if",
    "out",
    "so",
    "said",
    "what",
    "up",
    "its",
    "about",
    "into",
    "than",
    "them",
    "can",
    "only",
    "other",
    "new",
    "some",
    "could",
    "time",
    "these",
    "two",
    "may",
    "then",
    "do",
    "first",
    "any",
    "my",
    "now",
    "such",
    "like",
    "our",
    "over",
    "man",
    "me",
    "even",
    "most",
    "made",
    "after",
    "also",
    "did",
    "many",
    "before",
    "must",
    "through",
    "back",
    "years",
    "where",
    "much",
    "your",
    "way",
    "well",
    "down",
    "should",
    "because",
    "each",
    "just",
    "those",
    "people",
    "how",
    "too",
    "little",
    "state",
    "good",
    "very",
    "make",
    "world",
    "still",
    "own",
    "see",
    "men",
    "work",
    "long",
    "get",
    "here",
    "between",
    "both",
    "life",
    "being",
    "under",
    "never",
    "day",
    "same",
    "another",
    "know",
    "while",
    "last",
    "might",
    "us",
    "great",
    "old",
    "year",
    "off",
    "come",
    "since",
    "against",
    "go",
    "came",
    "right",
    "used",
    "take",
    "three",
    "server",
    "request",
    "cache",
    "query",
    "index",
    "table",
    "column",
    "commit",
    "branch",
    "release",
    "deploy",
    "build",
    "test",
    "module",
    "function",
    "class",
    "method",
    "object",
    "value",
    "string",
    "number",
    "list",
    "file",
    "folder",
    "editor",
    "writer",
    "reader",
    "post",
    "page",
    "site",
    "theme",
    "plugin",
    "user",
    "token",
    "header",
    "body",
    "field",
]

_CODE = (
    (
        "python",
        'def fetch(client, slug):\n    """Look a post up by its slug."""\n'
        '    r = client.get("/wp/v2/posts", params={"slug": slug})\n'
        "    r.raise_for_status()\n    return r.json()\n",
    ),
    (
        "sql",
        "SELECT p.ID, p.post_title\n  FROM wp_posts p\n WHERE p.post_status = 'publish'\n"
        " ORDER BY p.post_date DESC\n LIMIT 10;\n",
    ),
    ("sh", "git add content/\ngit commit -m 'New post'\nwpsync sync --changed\n"),
    (
        "php",
        "<?php\nadd_filter( 'rest_get_max_batch_size', function () {\n    return 50;\n} );\n",
    ),
    ("json", '{\n  "title": "Hello",\n  "status": "publish",\n  "tags": [1, 2, 3]\n}\n'),
)


@dataclass(frozen=True)
class Corpus:
    """What :func:`generate` wrote."""

    root: Path
    posts: tuple[str, ...]  # rel paths of the Markdown files, in order
    images: tuple[str, ...]  # rel paths of the PNGs
    bytes: int  # total size of the Markdown files


def png(width: int, height: int, rgb: tuple[int, int, int], seed: int) -> bytes:
    """A small valid RGB PNG: a colour field with a few seeded pixels (so each differs)."""
    rng = random.Random(seed)
    rows = []
    for _y in range(height):
        row = bytearray(b"\x00")  # filter type 0
        for _x in range(width):
            if rng.random() < 0.05:
                row += bytes(rng.randrange(256) for _ in range(3))
            else:
                row += bytes(rgb)
        rows.append(bytes(row))
    raw = b"".join(rows)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def _sentence(rng: random.Random, lo: int = 6, hi: int = 16) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(lo, hi))]
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def _paragraph(rng: random.Random) -> str:
    parts = [_sentence(rng) for _ in range(rng.randint(2, 5))]
    if rng.random() < 0.4:
        i = rng.randrange(len(parts))
        word = rng.choice(_WORDS)
        parts[i] = parts[i].replace(f" {word} ", f" **{word}** ", 1)
    if rng.random() < 0.3:
        parts.append(f"See [the docs](https://example.com/docs/{rng.choice(TAGS)}).")
    return " ".join(parts)


def _table(rng: random.Random) -> str:
    cols = rng.randint(2, 4)
    head = "| " + " | ".join(rng.choice(_WORDS).title() for _ in range(cols)) + " |"
    rule = "|" + "|".join("---" for _ in range(cols)) + "|"
    rows = [
        "| " + " | ".join(str(rng.randint(0, 999)) for _ in range(cols)) + " |"
        for _ in range(rng.randint(2, 6))
    ]
    return "\n".join([head, rule, *rows])


def _lists(rng: random.Random) -> str:
    bullets = "\n".join(f"- {_sentence(rng, 3, 8)}" for _ in range(rng.randint(2, 5)))
    numbered = "\n".join(f"{n}. {_sentence(rng, 3, 8)}" for n in range(1, rng.randint(3, 6)))
    return f"{bullets}\n\n{numbered}"


def post_text(n: int, seed: int = 0, *, image: str | None = None, salt: str = "") -> str:
    """The Markdown of post number ``n`` (``image``: a path relative to the post)."""
    rng = random.Random(seed * 1_000_003 + n)
    title = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(3, 7))).title()
    year = 2015 + n % 10
    month = 1 + n % 12
    day = 1 + n % 28
    cats = rng.sample(CATEGORIES, rng.randint(1, 2))
    tags = rng.sample(TAGS, rng.randint(2, 5))
    fm = [
        "---",
        f'title: "{title} {n}"',
        f"date: {year}-{month:02d}-{day:02d}T{n % 24:02d}:{n % 60:02d}:00+01:00",
        "categories: [" + ", ".join(cats) + "]",
        "tags: [" + ", ".join(tags) + "]",
        f'excerpt: "{_sentence(rng, 8, 14)}"',
        "---",
        "",
    ]
    body: list[str] = [_paragraph(rng)]
    if image is not None:
        body.append(f'![Figure {n}]({image} "Figure {n}")')
    for section in range(rng.randint(2, 4)):
        body.append(f"## {_sentence(rng, 2, 5)[:-1]}")
        body.append(_paragraph(rng))
        kind = (n + section) % 3
        if kind == 0:
            lang, code = _CODE[rng.randrange(len(_CODE))]
            body.append(f"```{lang}\n{code}```")
        elif kind == 1:
            body.append(_table(rng))
        else:
            body.append(_lists(rng))
        body.append(_paragraph(rng))
    if salt:
        body.append(salt)
    return "\n".join(fm) + "\n\n".join(body) + "\n"


def post_rel(n: int) -> str:
    return f"{2015 + n % 10}/{1 + n % 12:02d}/post-{n:05d}.md"


def generate(root: Path, count: int, *, seed: int = 0, image_every: int = 10) -> Corpus:
    """Write ``count`` posts (and one image per ``image_every`` posts) below ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    posts: list[str] = []
    images: list[str] = []
    total = 0
    made_dirs: set[Path] = set()
    for n in range(count):
        rel = post_rel(n)
        path = root / rel
        if path.parent not in made_dirs:
            path.parent.mkdir(parents=True, exist_ok=True)
            made_dirs.add(path.parent)
        image = None
        if image_every and n % image_every == 0:
            image_rel = f"images/figure-{n:05d}.png"
            image_path = root / image_rel
            if image_path.parent not in made_dirs:
                image_path.parent.mkdir(parents=True, exist_ok=True)
                made_dirs.add(image_path.parent)
            rgb = ((n * 37) % 256, (n * 91) % 256, (n * 53) % 256)
            image_path.write_bytes(png(24, 16, rgb, seed * 7919 + n))
            images.append(image_rel)
            image = "../../" + image_rel  # posts live two folders down
        text = post_text(n, seed, image=image)
        path.write_text(text, encoding="utf-8")
        total += len(text.encode("utf-8"))
        posts.append(rel)
    return Corpus(root, tuple(posts), tuple(images), total)

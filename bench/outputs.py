"""Dump, or check against a dump, everything wpsync makes of a set of Markdown files.

A speed-up of the read/render/convert path must not change a byte of what is sent.  This
script runs the pure pipeline over the bench corpus (300 posts, deterministic), ``content/``,
the rendering fixtures, the archive fixtures (each with its dialect) and ``tests/corpus``,
and records per file: the mapped payload (every field), its payload hash, the warnings or
the error, the block markup of its HTML (as is, and with its images swapped for media URLs
and IDs as a sync does), the fingerprinted content and the REST body's JSON.

    PYTHONPATH=$PWD python3 bench/outputs.py dump /tmp/outputs.jsonl
    PYTHONPATH=$PWD python3 bench/outputs.py check /tmp/outputs.jsonl   # exit 1 on a change

``PYTHONPATH=/other/checkout`` dumps what another checkout makes (``main``, say).

Both engines (commonmark, python-markdown) for the fixtures and ``content/``.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.append(str(REPO))  # (a PYTHONPATH checkout first: dump another one)

UPLOADS = "https://wp.test/wp-content/uploads/2026/11/"


def _files(root: Path) -> list[str]:
    return sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file()
        and p.suffix.lower() in (".md", ".markdown")
        and "node_modules" not in p.parts
    )


def _records(name: str, root: Path, engine: str, dialect: str | None) -> Iterator[dict[str, Any]]:
    from wpsync.engine.fingerprint import fingerprinted
    from wpsync.engine.items import Changed, Stat, payload_hash
    from wpsync.engine.readpool import ReadSettings, ReadTask, load
    from wpsync.model import scalar_body
    from wpsync.source.blocks import to_blocks
    from wpsync.source.dialect import detect_dialect
    from wpsync.source.render import rewrite_urls
    from wpsync.source.vault import scan_vault

    found = dialect or detect_dialect(root, root).dialect
    vault = scan_vault(root, root) if found == "obsidian" else None
    default_type = "page" if found == "docs" else "post"
    settings = ReadSettings(str(root), 1 << 24, default_type, "publish", engine, found, vault)  # type: ignore[arg-type]
    for rel in _files(root):
        st = (root / rel).stat()
        item = load(settings, ReadTask(rel, Stat(st.st_size, st.st_mtime_ns), None))
        record: dict[str, Any] = {"set": name, "engine": engine, "rel": rel}
        if not isinstance(item, Changed):
            error = getattr(item, "error", None)
            record["broken"] = str(error)
            yield record
            continue
        payload = item.payload
        record["payload"] = dataclasses.asdict(payload)
        record["payload_hash"] = item.payload_hash
        record["hash_resolved"] = payload_hash(payload, {"image:x": "1", "link:y": "https://z/"})
        record["warnings"] = list(item.warnings)
        record["source_hash"] = item.source_hash
        record["blocks"] = to_blocks(payload.content)
        urls = {
            ref.rel: UPLOADS + f"{i}-" + ref.rel.rsplit("/", 1)[-1]
            for i, ref in enumerate(payload.images)
        }
        media_ids = {url: 100 + i for i, url in enumerate(urls.values())}
        for i, link in enumerate(payload.links):
            urls[link] = f"https://wp.test/?p={500 + i}#x"
        swapped = rewrite_urls(payload.content, urls) if urls else payload.content
        record["blocks_media"] = to_blocks(swapped, media_ids)
        record["fingerprinted"] = fingerprinted(
            record["blocks_media"],
            payload.rel,
            item.payload_hash,
            payload.title,
            payload.status,
            payload.slug,
            source_hash=item.source_hash,
            inputs={"image:x": "1"},
        )
        body = dict(scalar_body(payload))
        body["content"] = record["fingerprinted"]
        record["body_json"] = json.dumps(body, separators=(",", ":"), ensure_ascii=False)
        yield record


def sets(tmp: Path) -> Iterator[tuple[str, Path, str, str | None]]:
    from bench import corpus

    bench_dir = tmp / "bench"
    corpus.generate(bench_dir, 300)
    yield "bench300", bench_dir, "commonmark", None
    for engine in ("commonmark", "python-markdown"):
        yield "content", REPO / "content", engine, "plain"
        yield "rendering", REPO / "tests" / "fixtures" / "rendering", engine, "plain"
    for archive in sorted((REPO / "tests" / "fixtures" / "archives").iterdir()):
        yield f"archive-{archive.name}", archive, "commonmark", None
    yield "tests-corpus", REPO / "tests" / "corpus", "commonmark", "plain"


def all_records() -> Iterator[dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix="wpsync-outputs-") as name:
        for set_name, root, engine, dialect in sets(Path(name)):
            yield from _records(set_name, root, engine, dialect)


def _key(record: dict[str, Any]) -> str:
    return f"{record['set']}/{record['engine']}/{record['rel']}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("dump", "check"))
    parser.add_argument("file", type=Path)
    args = parser.parse_args()
    import wpsync

    print(f"wpsync of {Path(wpsync.__file__).parents[1]}")
    if args.mode == "dump":
        with args.file.open("w", encoding="utf-8") as out:
            count = 0
            for record in all_records():
                out.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
                count += 1
        print(f"{count} records written to {args.file}")
        return 0
    expected = {}
    for line in args.file.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        expected[_key(record)] = record
    bad = 0
    seen = 0
    digest = hashlib.sha256()
    for record in all_records():
        seen += 1
        record = json.loads(json.dumps(record, ensure_ascii=False, sort_keys=True))
        digest.update(json.dumps(record, sort_keys=True).encode())
        old = expected.pop(_key(record), None)
        if old != record:
            bad += 1
            if old is None:
                print(f"NEW {_key(record)}")
                continue
            for field in sorted(set(old) | set(record)):
                if old.get(field) != record.get(field):
                    print(f"DIFF {_key(record)} [{field}]")
                    print(f"  was: {str(old.get(field))[:600]!r}")
                    print(f"  now: {str(record.get(field))[:600]!r}")
    for key in expected:
        bad += 1
        print(f"GONE {key}")
    print(f"{seen} records, {bad} differ; digest {digest.hexdigest()[:16]}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

"""The state file's schema: the tables of a new file, and the migrations that bring an
older file up to ``SCHEMA_VERSION`` (:class:`wpsync.store.state.StateStore` runs them)."""

from __future__ import annotations

SCHEMA_VERSION = 6

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE entries (
    rel           TEXT PRIMARY KEY,
    rest_base     TEXT NOT NULL,
    post_id       INTEGER NOT NULL,
    slug          TEXT NOT NULL,
    source_hash   TEXT NOT NULL,
    payload_hash  TEXT NOT NULL,
    modified_gmt  TEXT NOT NULL,
    link          TEXT NOT NULL DEFAULT '',
    size          INTEGER NOT NULL DEFAULT -1,
    mtime_ns      INTEGER NOT NULL DEFAULT -1
);
CREATE UNIQUE INDEX entries_object ON entries (rest_base, post_id);
CREATE TABLE pending (
    rel        TEXT PRIMARY KEY,
    rest_base  TEXT NOT NULL,
    slug       TEXT NOT NULL,
    started    REAL NOT NULL
);
CREATE TABLE media (
    content_hash TEXT PRIMARY KEY,
    media_id     INTEGER NOT NULL,
    source_url   TEXT NOT NULL,
    rel          TEXT NOT NULL
);
"""

#: schema version → the statements that bring the previous version up to it.  A new
#: state file runs them all after ``SCHEMA``; an older file runs the ones it lacks.
MIGRATIONS: dict[int, str] = {
    # 2: what each post was last pushed with (status, the inputs its body was rendered
    # from — image hashes, link targets' URLs, options — and the fields sent), the
    # images' stat → hash cache, and media uploads journalled before they leave.
    2: """
CREATE TABLE pushed (
    rel     TEXT PRIMARY KEY,
    status  TEXT NOT NULL,
    inputs  TEXT NOT NULL,
    fields  TEXT NOT NULL
);
CREATE TABLE media_files (
    rel          TEXT PRIMARY KEY,
    size         INTEGER NOT NULL,
    mtime_ns     INTEGER NOT NULL,
    content_hash TEXT NOT NULL
);
CREATE TABLE media_pending (
    content_hash TEXT PRIMARY KEY,
    rel          TEXT NOT NULL,
    started      REAL NOT NULL
);
""",
    # 3: updates journalled before they leave (the fields sent), cleared with the entry.
    3: """
CREATE TABLE pushing (
    rel      TEXT PRIMARY KEY,
    post_id  INTEGER NOT NULL,
    fields   TEXT NOT NULL,
    started  REAL NOT NULL
);
""",
    # 4: images WordPress refused for good (type not allowed, too large), by content hash:
    # not sent again until the image or a post using it changes.
    4: """
CREATE TABLE media_refused (
    content_hash TEXT PRIMARY KEY,
    rel          TEXT NOT NULL,
    status       INTEGER NOT NULL,
    code         TEXT NOT NULL,
    message      TEXT NOT NULL,
    refused      REAL NOT NULL
);
""",
    # 5: the entries by slug, for the same-name check of a run over a few files of a big
    # folder (samename.py): the files holding one slug, without reading every entry.
    5: """
CREATE INDEX entries_slug ON entries (rest_base, slug);
""",
    # 6: the digest of each post's raw texts as WordPress stored them at our push, to tell
    # an edit saved in the same second as the push (records.stored_digest).
    6: """
ALTER TABLE entries ADD COLUMN stored TEXT NOT NULL DEFAULT '';
""",
}
#: schema version → the tables a state file of that version has (checked on opening)
TABLES: dict[int, set[str]] = {
    1: {"meta", "entries", "pending", "media"},
    2: {"meta", "entries", "pending", "media", "pushed", "media_files", "media_pending"},
    3: {
        "meta",
        "entries",
        "pending",
        "media",
        "pushed",
        "media_files",
        "media_pending",
        "pushing",
    },
}
TABLES[4] = TABLES[3] | {"media_refused"}
TABLES[5] = TABLES[4]
TABLES[6] = TABLES[5]

#: the ``meta`` key every write of a row changes (:data:`WRITE_TRIGGERS`)
WRITTEN = "written"
#: name → statement of the triggers that give ``meta.written`` a fresh random value on
#: any INSERT, UPDATE or DELETE of a row of any table but ``meta`` (the marks), by any
#: connection — another wpsync process, an older wpsync, the sqlite3 shell: the proof
#: that no row was written since a value was read (engine/quiet.py).  Installed by
#: :meth:`StateStore.write_token`, not by a migration: a state file without them works
#: as before (the schema version is the same) and gets them when first asked.  A new
#: statement needs new names (they are installed ``IF NOT EXISTS``, by name).
WRITE_TRIGGERS: dict[str, str] = {
    f"wpsync_written_{table}_{op.lower()}": (
        f"CREATE TRIGGER IF NOT EXISTS wpsync_written_{table}_{op.lower()} "
        f"AFTER {op} ON {table} BEGIN "
        f"UPDATE meta SET value = lower(hex(randomblob(16))) WHERE key = '{WRITTEN}'; END"
    )
    for table in sorted(TABLES[SCHEMA_VERSION] - {"meta"})
    for op in ("INSERT", "UPDATE", "DELETE")
}

"""Local images → the site's media library, each file's bytes uploaded once per site.

- :class:`LocalImages` finds an image a post refers to (content-root-relative path),
  refuses anything outside the content folder (``../``, a symlink leading out; the file
  itself is opened without following a link), refuses what is not an image by its
  content (``source/imagetypes.py``: a text file named ``x.png``, ``secrets.txt``), and
  hashes it, remembering
  ``(size, mtime) → hash`` in the state so a run with nothing changed reads no image
  (only bytes that passed the check are remembered; an upload checks them again).
- :class:`MediaLibrary` turns those hashes into attachments: a hash the state already
  knows (``state.media``) is never sent again, whichever post or file name uses it; a new
  one is journalled (``state.media_pending``) before it leaves, so an upload whose answer
  was lost — the process stopped — is found again by its bytes instead of being sent
  twice.  Uploads run in parallel; the state is only written from the calling thread.
- A file WordPress refuses for good (``UploadRefused``: its type is not allowed, it is
  too large) is recorded by content hash (``state.media_refused``) and not sent again —
  :meth:`MediaLibrary.get` raises :class:`ImageRefused`, and the post shows the image's
  alt text instead (references.py) — until the image changes (another hash) or a post
  using it is edited (``ensure(…, retry=…)``).
- An SVG is uploaded cleaned (``source/svgclean.py``: no script, handler or external
  reference) where the site takes SVG; where it refuses it, :meth:`MediaLibrary.stand_in`
  shows it another safe way: an ``<img>`` of the cleaned SVG as a ``data:`` URL when the
  user may post such markup (``unfiltered_html``: WordPress strips ``data:`` URLs from
  everyone else's posts), else a PNG rendering uploaded instead (with CairoSVG, the
  ``svg`` extra), else its alt text with a warning saying so.

Each upload is given the slug ``wpsync-<content hash>`` (:func:`media_slug`): a checkout
without the state (a fresh clone, a CI runner) asks for the slugs of the images it
does not know — one request for up to 100 — and uses the attachments found instead of
uploading the same bytes again (docs/adoption.md).
"""

from __future__ import annotations

import base64
import contextlib
import logging
import os
import posixpath
import stat
from collections.abc import Callable, Iterable, Mapping, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from wpsync.errors import AuthError, MediaError, RemoteError, TransportError, UploadRefused
from wpsync.model import MediaEntry, MediaRef, MediaRefusal, bytes_hash
from wpsync.source.imagetypes import SVG, sniff_image
from wpsync.source.svgclean import UnsafeSvg, clean_svg
from wpsync.store.state import StateStore
from wpsync.store.views import KnownMedia

if TYPE_CHECKING:
    from wpsync.wordpress.client import WordPressClient
    from wpsync.wordpress.records import RemoteMedia

logger = logging.getLogger(__name__)

__all__ = [
    "ImageError",
    "ImageRefused",
    "LocalImages",
    "MediaLibrary",
    "StandIn",
    "UploadFailed",
    "media_slug",
]

#: the slug of an attachment wpsync uploaded: the prefix, then the SHA-256 of its bytes
MEDIA_SLUG = "wpsync-"


def media_slug(content_hash: str) -> str:
    """The slug wpsync gives the upload of bytes hashing to ``content_hash``."""
    return MEDIA_SLUG + content_hash


class ImageError(MediaError):
    """A local image cannot be used; ``reason`` completes "image 'x.png' …"."""

    def __init__(self, rel: str, reason: str, *, hint: str | None = None) -> None:
        super().__init__(
            f"image {rel!r} {reason}", hint=hint or "images must be files inside the content folder"
        )
        self.rel = rel
        self.reason = reason


class UploadFailed(MediaError):
    """WordPress did not take an image; ``error`` is what the client raised."""

    def __init__(self, rel: str, error: RemoteError) -> None:
        super().__init__(f"image {rel!r} could not be uploaded: {error}")
        self.rel = rel
        self.error = error


class ImageRefused(MediaError):
    """WordPress refused this image for good (``refusal``); ``now``: in this run (else
    recorded by an earlier one).  The post is still sent, the image's alt text in its place."""

    def __init__(self, ref: MediaRef, refusal: MediaRefusal, *, now: bool) -> None:
        super().__init__(f"image {ref.rel!r} refused by WordPress: {refusal.message}")
        self.ref = ref
        self.refusal = refusal
        self.now = now


@dataclass(frozen=True)
class StandIn:
    """How a refused SVG is shown: ``url`` (a ``data:`` URL, or an uploaded PNG's URL with
    its ``media``), and ``how`` for the warning."""

    url: str
    how: str
    media: MediaEntry | None = None


#: the content-hash key of an SVG's PNG rendering in ``state.media``
PNG_OF = "png:"


# ---------------------------------------------------------------------------- local files


class LocalImages:
    """The images below the content folder, hashed at most once per run.

    ``remember=False`` (a dry run) leaves the state's stat cache alone.
    """

    def __init__(self, root: Path, state: StateStore | None, *, remember: bool = True) -> None:
        self.root = root
        self._real_root = os.path.realpath(root)
        self._state = state
        self._remember = remember
        self._hashes: dict[str, str | ImageError] = {}
        self._folders: dict[str, str] = {}  # folder → its real path

    def path(self, rel: str) -> tuple[Path, os.stat_result]:
        """The file behind ``rel`` and its stat; :class:`ImageError` if unusable."""
        parts = rel.split("/")
        if not rel or rel.startswith("/") or ".." in parts or posixpath.isabs(rel):
            raise ImageError(rel, "points outside the content folder")
        real = self._resolved(rel)
        if real != self._real_root and not real.startswith(self._real_root + os.sep):
            raise ImageError(rel, "is a link to a file outside the content folder")
        try:
            st = os.stat(real)
        except FileNotFoundError:
            raise ImageError(rel, "does not exist") from None
        except OSError as exc:
            raise ImageError(rel, f"cannot be read: {exc.strerror}") from None
        if not stat.S_ISREG(st.st_mode):
            raise ImageError(rel, "is not a file")
        return Path(real), st

    def _resolved(self, rel: str) -> str:
        """``os.path.realpath`` of the image, its folder's resolved once per run (a big
        folder's images share a few folders: one ``lstat`` per image, not one per part)."""
        folder, name = posixpath.split(rel)
        real_folder = self._folders.get(folder)
        if real_folder is None:
            real_folder = self._folders[folder] = os.path.realpath(self.root / folder)
        path = os.path.join(real_folder, name)
        try:
            if not stat.S_ISLNK(os.lstat(path).st_mode):
                return path
        except OSError:
            pass  # realpath says what it is (missing: not resolved further)
        return os.path.realpath(path)

    def hash_of(self, rel: str) -> str:
        """SHA-256 of the image's bytes (raises :class:`ImageError`)."""
        known = self._hashes.get(rel)
        if isinstance(known, ImageError):
            raise known
        if known is not None:
            return known
        try:
            digest = self._hash(rel)
        except ImageError as exc:
            self._hashes[rel] = exc
            raise
        self._hashes[rel] = digest
        return digest

    def _hash(self, rel: str) -> str:
        path, st = self.path(rel)
        cached = self._state.media_file(rel) if self._state is not None else None
        if cached is not None and cached[:2] == (st.st_size, st.st_mtime_ns):
            return cached[2]
        data = self._read_path(rel, path)
        image_type(rel, data)
        digest = bytes_hash(data)
        if self._state is not None and self._remember:
            self._state.put_media_file(rel, st.st_size, st.st_mtime_ns, digest)
        return digest

    def read(self, rel: str) -> tuple[bytes, str]:
        """The image's bytes and MIME type (any thread: touches no state)."""
        path, _ = self.path(rel)
        data = self._read_path(rel, path)
        return data, image_type(rel, data)

    @staticmethod
    def _read_path(rel: str, path: Path) -> bytes:
        """The bytes of the file ``path`` (already resolved inside the folder), opened
        without following a link swapped in since."""
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
        try:
            fd = os.open(path, flags)
        except OSError as exc:
            raise ImageError(rel, f"cannot be read: {exc.strerror}") from None
        try:
            with os.fdopen(fd, "rb") as handle:
                if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                    raise ImageError(rel, "is not a file")
                return handle.read()
        except OSError as exc:
            raise ImageError(rel, f"cannot be read: {exc.strerror}") from None


def image_type(rel: str, data: bytes) -> str:
    """The MIME type of the image ``data``, told by its content; :class:`ImageError`
    when it is not an image WordPress takes (nothing of it is uploaded)."""
    mime = sniff_image(data)
    if mime is None:
        raise ImageError(
            rel,
            "is not an image (by its content: PNG, JPEG, GIF, WebP, AVIF, HEIC, BMP, ICO,"
            " TIFF or SVG are uploaded); not uploaded",
            hint="only images go to the media library; link to other files instead",
        )
    return mime


# ---------------------------------------------------------------------------- the library


@dataclass(frozen=True)
class _Wanted:
    content_hash: str
    ref: MediaRef  # the first use: its file name, alt text and caption go to WordPress


class MediaLibrary:
    """Content hash → attachment, uploading what the site does not have yet."""

    def __init__(
        self,
        state: StateStore,
        images: LocalImages,
        client: Callable[[], WordPressClient],
        *,
        concurrency: int = 4,
        stopping: Callable[[], TransportError | None] = lambda: None,
    ) -> None:
        self._state = state
        self._images = images
        self._client = client
        self._concurrency = max(1, concurrency)
        self._stopping = stopping
        self._known: MutableMapping[str, MediaEntry] = KnownMedia(state)  # read by key
        self._refused: dict[str, MediaRefusal] = state.refused_media()
        self._failed: dict[str, UploadFailed | ImageError | ImageRefused] = {}
        self._inline: bool | None = None  # may the user post data: URLs (unfiltered_html)?
        self.uploaded = 0  # files sent to WordPress by this object
        self.recovered = 0  # journalled uploads found on the site instead of sent again
        self.adopted = 0  # earlier uploads found by their slug instead of sent again

    def ensure(self, refs: Iterable[MediaRef], *, retry: Iterable[MediaRef] = ()) -> None:
        """Upload every image among ``refs`` the site does not have yet, in parallel.

        Unusable local files are skipped here (:meth:`get` raises for them); an image
        WordPress refused before is tried again only when it is among ``retry`` (the
        images of posts whose file was edited); an :class:`AuthError` stops everything.
        """
        again: set[str] = set()
        for ref in retry:
            with contextlib.suppress(ImageError):
                again.add(self._images.hash_of(ref.rel))
        wanted: dict[str, _Wanted] = {}
        for ref in refs:
            try:
                digest = self._images.hash_of(ref.rel)
            except ImageError:
                continue
            if digest in self._known or digest in self._failed:
                continue
            if digest in self._refused and digest not in again:
                continue
            wanted.setdefault(digest, _Wanted(digest, ref))
        if not wanted:
            return
        self._adopt(wanted)
        if not wanted:
            return
        journal = self._state.media_pending()
        for item in wanted.values():
            self._state.mark_media_pending(item.content_hash, item.ref.rel)
        items = list(wanted.values())
        # The first upload alone: WordPress creates this month's upload folder then, and
        # parallel uploads racing to create it fail (500 rest_upload_sideload_error).
        for group in (items[:1], items[1:]):
            self._upload_all(group, journal)

    def _adopt(self, wanted: dict[str, _Wanted]) -> None:
        """Take the images this site already has from an earlier upload (by this folder
        in another checkout, or before the state was lost) out of ``wanted``."""
        try:
            found = self._client().media_by_slugs([media_slug(h) for h in wanted])
        except AuthError:
            raise
        except RemoteError as exc:
            logger.debug("cannot look up earlier uploads: %s", exc)
            return
        for digest in sorted(wanted):
            media = found.get(media_slug(digest))
            if media is None:
                continue
            item = wanted.pop(digest)
            entry = MediaEntry(digest, media.id, media.source_url, item.ref.rel)
            self._state.record_media(entry)
            self._known[digest] = entry
            self.adopted += 1
            logger.info("%s: already in the media library (media %d)", item.ref.rel, media.id)

    def _upload_all(self, items: list[_Wanted], journal: Mapping[str, str]) -> None:
        if not items:
            return
        workers = min(self._concurrency, len(items))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="wpsync-media") as pool:
            futures = [
                (item, pool.submit(self._upload, item, item.content_hash in journal))
                for item in items
            ]
            for item, future in futures:
                try:
                    media, recovered = future.result()
                except AuthError:
                    raise
                except UploadRefused as exc:
                    self._state.clear_media_pending(item.content_hash)
                    self._refuse(item, exc.status or 0, exc.code or "", _own_words(exc))
                    continue
                except UnsafeSvg as exc:
                    self._state.clear_media_pending(item.content_hash)
                    self._refuse(item, 0, "svg_unsafe", f"the SVG cannot be made safe: {exc}")
                    continue
                except RemoteError as exc:
                    # A refused upload is final; a lost one stays journalled (looked for next time).
                    if not isinstance(exc, TransportError):
                        self._state.clear_media_pending(item.content_hash)
                    logger.error("%s: upload failed: %s", item.ref.rel, exc)
                    self._failed[item.content_hash] = UploadFailed(item.ref.rel, exc)
                    continue
                except ImageError as exc:
                    self._state.clear_media_pending(item.content_hash)
                    self._failed[item.content_hash] = exc
                    continue
                entry = MediaEntry(item.content_hash, media.id, media.source_url, item.ref.rel)
                self._state.record_media(entry)
                if self._refused.pop(item.content_hash, None) is not None:
                    self._state.clear_refused_media(item.content_hash)
                self._known[item.content_hash] = entry
                if recovered:
                    self.recovered += 1
                else:
                    self.uploaded += 1

    def _refuse(self, item: _Wanted, status: int, code: str, message: str) -> None:
        """WordPress refused ``item`` for good: recorded, not sent again (see the module)."""
        refusal = MediaRefusal(item.content_hash, item.ref.rel, status, code, message)
        self._state.put_refused_media(refusal)
        self._refused[item.content_hash] = refusal
        self._failed[item.content_hash] = ImageRefused(item.ref, refusal, now=True)
        logger.warning("%s: refused by WordPress (%s): %s", item.ref.rel, code, message)

    def _upload(self, item: _Wanted, journalled: bool) -> tuple[RemoteMedia, bool]:
        if (stopping := self._stopping()) is not None:
            raise stopping
        data, mime = self._images.read(item.ref.rel)
        if bytes_hash(data) != item.content_hash:
            raise ImageError(item.ref.rel, "changed while wpsync was reading it; run again")
        if mime == SVG:
            data = clean_svg(data).data  # what leaves is the cleaned drawing
        client = self._client()
        filename = posixpath.basename(item.ref.rel)
        if journalled:
            found = client.find_uploaded_media(filename, data)
            if found is not None:
                logger.info("%s: found an earlier upload whose answer was lost", item.ref.rel)
                return found, True
        logger.info("uploading %s (%d bytes)", item.ref.rel, len(data))
        media = client.upload_media(
            self._images.root / item.ref.rel,
            data,
            filename,
            mime,
            alt_text=item.ref.alt,
            caption=item.ref.title,
            slug=media_slug(item.content_hash),
        )
        return media, False

    def get(self, ref: MediaRef) -> MediaEntry:
        """The attachment for ``ref``: raises :class:`ImageError` (local file unusable, not
        an image), :class:`ImageRefused` (WordPress refuses it for good) or
        :class:`UploadFailed`; uploads it now if :meth:`ensure` was not told about it."""
        digest = self._images.hash_of(ref.rel)
        if digest not in self._known and digest not in self._failed:
            self.ensure([ref])
        if digest in self._failed:
            failed = self._failed[digest]
            if isinstance(failed, ImageRefused) and failed.ref != ref:
                raise ImageRefused(ref, failed.refusal, now=failed.now)
            raise failed
        if digest in self._refused:
            raise ImageRefused(ref, self._refused[digest], now=False)
        return self._known[digest]

    def stand_in(self, refused: ImageRefused) -> StandIn | None:
        """Another safe way to show a refused SVG (see the module), or None."""
        try:
            data, mime = self._images.read(refused.ref.rel)
            if mime != SVG:
                return None
            cleaned = clean_svg(data)
        except (ImageError, UnsafeSvg):
            return None
        removed = f" (removed: {', '.join(cleaned.removed)})" if cleaned.removed else ""
        if self._may_inline():
            url = "data:image/svg+xml;base64," + base64.b64encode(cleaned.data).decode("ascii")
            return StandIn(url, f"shown as an inline data: image of the cleaned SVG{removed}")
        key = PNG_OF + refused.refusal.content_hash
        png = self._known.get(key)
        if png is None:
            picture = rasterise(cleaned.data)
            if picture is None:
                return None
            name = posixpath.splitext(posixpath.basename(refused.ref.rel))[0] + ".png"
            media = self._client().upload_media(
                self._images.root / refused.ref.rel, picture, name, "image/png",
                alt_text=refused.ref.alt, caption=refused.ref.title,
            )  # fmt: skip
            png = MediaEntry(key, media.id, media.source_url, refused.ref.rel)
            self._state.put_media(png)
            self._known[key] = png
            self.uploaded += 1
        return StandIn(png.source_url, f"uploaded as a PNG rendering{removed}", png)

    def _may_inline(self) -> bool:
        if self._inline is None:
            try:
                self._inline = self._client().can("unfiltered_html")
            except AuthError:
                raise
            except RemoteError as exc:
                logger.debug("cannot read the user's capabilities: %s", exc)
                self._inline = False
        return self._inline

    @property
    def known(self) -> Mapping[str, MediaEntry]:
        return self._known


def _own_words(error: RemoteError) -> str:
    """WordPress's message in ``error`` (without wpsync's ``POST /route:`` prefix)."""
    text = str(error)
    return text.split(": ", 1)[1] if text.startswith("POST ") and ": " in text else text


def rasterise(svg: bytes) -> bytes | None:
    """A PNG of ``svg`` (already cleaned: nothing to fetch) with CairoSVG, or None when
    it is not installed (the ``svg`` extra) or cannot draw it."""
    try:
        import cairosvg
    except (ImportError, OSError):  # OSError: the library without libcairo
        return None
    try:
        out = cairosvg.svg2png(bytestring=svg, unsafe=False)
    except Exception as exc:  # a drawing CairoSVG cannot render
        logger.debug("CairoSVG could not draw an SVG: %s", exc)
        return None
    return bytes(out) if isinstance(out, bytes | bytearray) else None

"""The plain records the WordPress client hands out and takes in: a post, a media file,
one request and one answer of ``/batch/v1``.

JSON objects from WordPress are read into these at the edge (``from_json``), so the rest
of wpsync sees typed fields; the bodies of batch requests and answers stay JSON.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from wpsync.errors import RemoteError

#: The fields a post is asked for (``_fields=``): what :class:`RemotePost` holds.
POST_FIELDS = "id,slug,status,modified_gmt,link,type"
#: The post's own texts as WordPress stored them, raw (asked alone, ``title.raw`` and
#: ``content.raw`` make WordPress run no content filter): asked with every write and every
#: edit check, so that an edit saved in WordPress in the same second as our write — the
#: same ``modified_gmt`` — is still told from it (:func:`stored_digest`).  Not the
#: excerpt: any part of it asked makes WordPress build one from the content (the whole
#: ``the_content`` chain) for each post without its own.
STORED_FIELDS = "title.raw,content.raw"
#: The fields a post is asked for when it is written or its edits checked.
CHECKED_FIELDS = POST_FIELDS + "," + STORED_FIELDS
#: A post as adoption reads it: its fingerprint is in the content (engine/fingerprint.py),
#: and the post linked records its texts' digest.
ADOPTION_FIELDS = CHECKED_FIELDS
#: The fields a media item is asked for.
MEDIA_FIELDS = "id,source_url,mime_type,media_details,date_gmt"


def stored_digest(item: Mapping[str, Any]) -> str:
    """A digest of the post's raw title and content as ``item`` (a post asked with
    :data:`STORED_FIELDS`, or a whole ``context=edit`` one) holds them; "" when it holds
    no raw content (asked without them, or shown in the ``view`` context): then nothing
    is compared.  A type without titles counts as an empty title (one that gains them
    later is not taken for an edit)."""
    content = item.get("content")
    if not isinstance(content, Mapping) or not isinstance(content.get("raw"), str):
        return ""
    title = item.get("title")
    raw_title = title.get("raw") if isinstance(title, Mapping) else None
    texts = [raw_title if isinstance(raw_title, str) else "", content["raw"]]
    return hashlib.sha256(json.dumps(texts).encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class RemotePost:
    """What wpsync needs to know about a post (or page, or custom type item) in WordPress.
    ``stored``: :func:`stored_digest` of the answer it was read from ("" if unknown)."""

    id: int
    rest_base: str
    slug: str
    status: str
    modified_gmt: str
    link: str
    type: str = ""
    stored: str = ""

    @classmethod
    def from_json(cls, rest_base: str, item: Mapping[str, Any]) -> RemotePost:
        try:
            return cls(
                id=int(item["id"]),
                rest_base=rest_base,
                slug=str(item.get("slug") or ""),
                status=str(item.get("status") or ""),
                modified_gmt=str(item.get("modified_gmt") or ""),
                link=str(item.get("link") or ""),
                type=str(item.get("type") or ""),
                stored=stored_digest(item),
            )
        except (KeyError, TypeError, ValueError):
            raise RemoteError(
                f"WordPress answered with an unexpected {rest_base} object (no id)"
            ) from None


@dataclass(frozen=True)
class PostCount:
    """One small listing's counts: how many posts match (``X-WP-Total``) and the first of
    them in the order asked (the highest ID, or the latest ``modified_gmt``)."""

    total: int
    top_id: int = 0
    top_modified_gmt: str = ""


@dataclass(frozen=True)
class RemoteMedia:
    """An uploaded file in the media library."""

    id: int
    source_url: str
    mime_type: str = ""

    @classmethod
    def from_json(cls, item: Mapping[str, Any]) -> RemoteMedia:
        try:
            return cls(
                id=int(item["id"]),
                source_url=str(item.get("source_url") or ""),
                mime_type=str(item.get("mime_type") or ""),
            )
        except (KeyError, TypeError, ValueError):
            raise RemoteError(
                "WordPress answered with an unexpected media object (no id)"
            ) from None


@dataclass(frozen=True)
class BatchRequest:
    """One request inside ``/batch/v1``: ``path`` is a route (``/wp/v2/posts/12?force=true``)."""

    method: str
    path: str
    body: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class BatchResponse:
    """One answer from ``/batch/v1``, in the order of the requests.

    ``recovered``: the batch's answer was lost and this create was found again by its
    slug; ``body`` is then the post as the look-up returned it (``id``, ``slug``,
    ``status``, ``modified_gmt``, ``link``, ``type``, ``title``), ``status`` is 201.
    """

    status: int
    body: Any
    recovered: bool = False

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def code(self) -> str | None:
        if isinstance(self.body, Mapping) and isinstance(self.body.get("code"), str):
            return str(self.body["code"])
        return None

"""What the user wpsync signs in as may do on the site, and what a post asks of it.

The user's capabilities come from ``/wp/v2/users/me?context=edit`` (every user may read
their own).  What each part of a post needs is WordPress core's rule, as its REST
controllers apply it (``WP_REST_Posts_Controller``, ``WP_REST_Terms_Controller``,
``WP_REST_Attachments_Controller``):

================================  ==========================================  =========================
a post of a type (create, edit,   the type's ``edit_posts`` (posts:            ``rest_cannot_create``;
list with ``status=any``)         ``edit_posts``, pages: ``edit_pages``)       a listing: 400
                                                                               ``rest_forbidden_status``
status publish, future, private   ``publish_posts`` / ``publish_pages``        ``rest_cannot_publish``
sticky                            ``publish_posts`` or ``edit_others_posts``   ``rest_cannot_assign_sticky``
another user as the author        ``edit_others_posts`` / ``…_pages``          ``rest_cannot_edit_others``
a new category                    ``manage_categories`` (its ``edit_terms``)   ``rest_cannot_create``
a new tag                         ``edit_posts`` (its ``assign_terms``)        ``rest_cannot_create``
an upload                         ``upload_files``                             ``rest_cannot_create``
================================  ==========================================  =========================

The Author role has ``edit_posts``, ``publish_posts`` and ``upload_files`` but neither
``edit_pages`` nor ``manage_categories`` nor ``edit_others_posts``; a Contributor only
``edit_posts``.  ``sync`` (engine/permissions.py) and ``doctor`` phrase every refusal
with the functions here, so what doctor predicts reads as what the run reports.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from wpsync.errors import RemoteError, TransportError
from wpsync.model import PostPayload

#: The statuses that publish (WordPress asks for the type's publish capability).
PUBLISHING = frozenset({"publish", "future", "private"})


@dataclass(frozen=True)
class TypeCaps:
    """The capabilities of a post type, by their meta names."""

    noun: str
    edit: str
    publish: str
    others: str


TYPE_CAPS: Mapping[str, TypeCaps] = {
    "posts": TypeCaps("posts", "edit_posts", "publish_posts", "edit_others_posts"),
    "pages": TypeCaps("pages", "edit_pages", "publish_pages", "edit_others_pages"),
}

#: taxonomy REST base → (noun, the capability creating a term needs)
TERM_CAPS: Mapping[str, tuple[str, str]] = {
    "categories": ("categories", "manage_categories"),
    "tags": ("tags", "edit_posts"),
}


@dataclass(frozen=True)
class Refusal:
    """Something a file needs that the user may not do."""

    capability: str
    message: str
    hint: str


@dataclass(frozen=True)
class Rights:
    """Who the user is and what they may do."""

    user_id: int
    username: str
    slug: str
    name: str
    roles: tuple[str, ...]
    capabilities: frozenset[str]

    @classmethod
    def from_json(cls, body: Mapping[str, object]) -> Rights:
        caps = body.get("capabilities")
        roles = body.get("roles")
        raw_id = body.get("id")
        return cls(
            user_id=int(raw_id) if isinstance(raw_id, int | str) else 0,
            username=str(body.get("username") or ""),
            slug=str(body.get("slug") or ""),
            name=str(body.get("name") or ""),
            roles=tuple(str(r) for r in roles) if isinstance(roles, list) else (),
            capabilities=frozenset(str(k) for k, v in caps.items() if v)
            if isinstance(caps, Mapping)
            else frozenset(),
        )

    def may(self, capability: str) -> bool:
        return capability in self.capabilities

    @property
    def who(self) -> str:
        """``'author' (author)``: the login and the role, for messages."""
        return f"{self.username or self.slug!r} ({', '.join(self.roles) or 'no role'})"

    def is_me(self, name: str) -> bool:
        """Does a front-matter author name this user (login, nicename or display name)?"""
        wanted = name.strip().lower()
        return bool(wanted) and wanted in {
            n.lower() for n in (self.username, self.slug, self.name) if n
        }

    def refusals(self, payload: PostPayload) -> list[Refusal]:
        """What in ``payload`` itself the user may not do: its type, publishing it,
        making it sticky.  (New terms, uploads and authors depend on the site: the
        callers ask :meth:`term_refusal`, :meth:`upload_refusal`, :meth:`may_post_as_others`.)"""
        caps = TYPE_CAPS.get(payload.rest_base)
        if caps is None:
            return []  # a custom type's capabilities are its own: WordPress will say
        refused = self.type_refusal(payload.rest_base)
        if refused is not None:
            return [refused]
        out: list[Refusal] = []
        if payload.status in PUBLISHING and not self.may(caps.publish):
            verb = "schedule" if payload.status == "future" else "publish"
            out.append(
                Refusal(
                    caps.publish,
                    f"may not {verb} {caps.noun} ({caps.publish})",
                    "set `status: pending` in the front matter (or content.default_status) "
                    "to submit it for review, or give the user the "
                    + ("Editor" if payload.rest_base == "pages" else "Author")
                    + " role",
                )
            )
        if payload.sticky and not (self.may(caps.publish) or self.may(caps.others)):
            out.append(
                Refusal(
                    caps.publish,
                    f"may not make {caps.noun} sticky ({caps.publish})",
                    "remove `sticky` from the front matter, or give the user the Author role",
                )
            )
        return out

    def type_refusal(self, rest_base: str) -> Refusal | None:
        """The user may not create or edit posts of this type at all."""
        caps = TYPE_CAPS.get(rest_base)
        if caps is None or self.may(caps.edit):
            return None
        hint = (
            "pages need the Editor role (or a role with edit_pages)"
            if rest_base == "pages"
            else "give the user the Contributor role or higher"
        )
        return Refusal(caps.edit, f"may not create {caps.noun} ({caps.edit})", hint)

    def may_create_terms(self, taxonomy: str) -> bool | None:
        """Whether the user may create terms of ``taxonomy`` (None: not known here)."""
        known = TERM_CAPS.get(taxonomy)
        return None if known is None else self.may(known[1])

    def may_post_as_others(self, rest_base: str) -> bool:
        caps = TYPE_CAPS.get(rest_base)
        return self.may(caps.others if caps is not None else "edit_others_posts")


def term_refusal(taxonomy: str, name: str) -> Refusal:
    """A new term of ``taxonomy`` the user may not create."""
    noun, capability = TERM_CAPS.get(taxonomy, (taxonomy, f"the {taxonomy} taxonomy's edit_terms"))
    single = {"categories": "category", "tags": "tag"}.get(taxonomy, "term")
    return Refusal(
        capability,
        f"may not create {noun} ({capability}): {single} '{name}' does not exist yet",
        f"create the {single} in WordPress first, or give the user the Editor role",
    )


def upload_refusal(count: int) -> Refusal:
    images = "1 local image" if count == 1 else f"{count} local images"
    return Refusal(
        "upload_files",
        f"may not upload media (upload_files): the file uses {images} not on the site yet",
        "give the user the Author role or higher, or upload the images as another user",
    )


def listing_refusal(rest_base: str, code: str | None) -> Refusal:
    """WordPress refused to list the posts of ``rest_base`` to this user (or has no such
    type at all: ``rest_no_route``)."""
    if code == "rest_no_route":
        return Refusal(
            "",
            f"WordPress has no post type '{rest_base}' (no route /wp/v2/{rest_base})",
            "the front matter's `type:` names a type this site does not have: use post, "
            "page or a custom type's REST base",
        )
    caps = TYPE_CAPS.get(rest_base)
    capability = caps.edit if caps is not None else f"the {rest_base} type's edit_posts"
    noun = caps.noun if caps is not None else rest_base
    why = f"; WordPress refused to list them: {code}" if code else ""
    hint = (
        "pages need the Editor role (or a role with edit_pages)"
        if rest_base == "pages"
        else f"give the user a role that may edit {noun}"
    )
    return Refusal(capability, f"may not create {noun} ({capability}{why})", hint)


def phrase(refusal: Refusal, rights: Rights | None) -> str:
    """``your user 'author' (author) may not create pages (edit_pages)``; a refusal that
    is not the user's (no such type) is its message alone."""
    if not refusal.capability:
        return refusal.message
    who = f"your user {rights.who}" if rights is not None else "your user"
    return f"{who} {refusal.message}"


def forbids_listing(exc: RemoteError) -> bool:
    """Is ``exc`` WordPress refusing this user a listing (not a fault)?  An Author asking
    for pages with ``status=any`` gets 400 ``rest_invalid_param`` (``status``: "Status is
    forbidden", ``rest_forbidden_status``); ``context=edit`` without the right, 401/403
    ``rest_forbidden_context``."""
    if isinstance(exc, TransportError):
        return False
    if exc.status in (401, 403) or (exc.status == 404 and exc.code == "rest_no_route"):
        return True  # 404 rest_no_route: no such type on this site (its files fail alone)
    data = exc.data if isinstance(exc.data, Mapping) else {}
    params = data.get("params")
    return (
        exc.code == "rest_invalid_param"
        and isinstance(params, Mapping)
        and ("status" in params or "context" in params)
    )

"""Opening the configured WordPress client, and who closes it.

:func:`open_client` is the one way wpsync connects to the site of a configuration: the
password resolved from its sources (``config.resolve_password``), the JWT token cached
in the state folder (:data:`TOKEN_CACHE`).

Who owns a client is explicit everywhere: an operation (a sync run, a plan, a pull, a
state rebuild) is either *lent* a client by its caller (``client=``: a long-lived
process's, one connection pool and one token for many runs), which it never closes, or
opens its own with a :data:`ClientFactory` and closes it at its end.  :class:`RunClient`
holds that choice for one operation.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from wpsync.config import Config, resolve_password

if TYPE_CHECKING:
    from wpsync.wordpress.client import WordPressClient

#: the JWT token cache, in the state folder
TOKEN_CACHE = "token.json"

#: opens a client for a configuration; what it opens, the caller closes
ClientFactory = Callable[[Config], "WordPressClient"]


def open_client(config: Config) -> WordPressClient:
    """A new client for the configured site (the caller closes it)."""
    from wpsync.wordpress.client import WordPressClient  # httpx: only when a run needs it

    password = resolve_password(config.site)
    return WordPressClient(config.site, password, token_cache=config.state.path / TOKEN_CACHE)


class RunClient:
    """The client of one operation: a lent one (never closed here), or one opened with
    ``factory`` when first needed and closed by :meth:`close`."""

    def __init__(
        self,
        config: Config,
        *,
        factory: ClientFactory = open_client,
        lent: WordPressClient | None = None,
    ) -> None:
        self._config = config
        self._factory = factory
        self._client = lent
        self._owned = lent is None
        self._opening = threading.Lock()

    def get(self) -> WordPressClient:
        """The client, opened now if it was not yet (once, whichever thread asks)."""
        if self._client is None:
            with self._opening:
                if self._client is None:
                    self._client = self._factory(self._config)
        return self._client

    @property
    def request_count(self) -> int:
        """Requests the client has sent (0 while none was opened)."""
        return self._client.request_count if self._client is not None else 0

    def close(self) -> None:
        """Close the client if this operation opened it."""
        if self._client is not None and self._owned:
            self._client.close()

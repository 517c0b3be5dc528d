"""``wpsync trust``: approve (``--revoke``: forget) the configured site for this folder's
credentials and settings; ``--list`` shows every approval (:mod:`wpsync.trust`)."""

from __future__ import annotations

import json

import click

from wpsync.cli.common import Globals, fail, load
from wpsync.errors import ConfigError, WpsyncError


@click.command()
@click.option("--revoke", is_flag=True, help="Forget the approval of this folder's site.")
@click.option("--list", "list_", is_flag=True, help="Show every approval recorded.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_obj
def trust(g: Globals, revoke: bool, list_: bool, as_json: bool) -> None:
    """Let this folder's config.toml send your password to its site.

    A config.toml can come from anyone (a cloned repository, a pull request).  wpsync
    sends a credential -- from $WPSYNC_PASSWORD, site.password_env or
    site.password_command -- to the site.url of a file only once you approved that URL
    for that folder; settings that widen what the file can do (password_command,
    verify_tls = false, allow_insecure_http, a content or state folder outside the
    config's folder) need the same approval, asked again when they change.  URL and
    password given together by the environment (WPSYNC_URL + WPSYNC_PASSWORD) need none.
    `wpsync init` approves what it writes.  Approvals are kept in
    $XDG_CONFIG_HOME/wpsync/trusted.json (~/.config/wpsync/ by default).

    \b
    Example:
      wpsync trust                    # approve ./config.toml's site for this folder
      wpsync --config ~/blog/config.toml trust
      wpsync trust --list             # every folder and site approved
      wpsync trust --revoke           # forget this folder's approval
    """
    from wpsync.trust import approve, load_approvals, store_path
    from wpsync.trust import revoke as forget

    try:
        if revoke and list_:
            raise ConfigError("--revoke and --list do not go together")
        if list_:
            approvals = load_approvals(store_path())
            if as_json:
                out = {"file": str(store_path()), "approvals": [a.to_json() for a in approvals]}
                click.echo(json.dumps(out))
                return
            if not approvals:
                click.echo(f"no approvals in {store_path()}")
            for a in approvals:
                click.echo(f"{a.folder}  →  {a.url}  (approved {a.approved})")
                for key, value in a.settings:
                    click.echo(f"    {key} = {value}")
            return
        config = load(g)
        scope = config.site.scope
        assert scope is not None  # a loaded configuration always has one
        if revoke:
            gone = forget(scope.folder, scope.url)
            if as_json:
                click.echo(json.dumps({"revoked": [a.to_json() for a in gone]}))
            elif gone:
                click.echo(f"revoked: {scope.url} for {scope.folder}")
            else:
                click.echo(f"{scope.url} was not approved for {scope.folder}")
            return
        approval = approve(scope)
    except WpsyncError as exc:
        fail(exc, as_json)
    if as_json:
        click.echo(json.dumps({"approved": approval.to_json()}))
        return
    click.echo(f"approved: {scope.url} may receive your password for {scope.folder}")
    for key, value in scope.settings:
        click.echo(f"    with {key} = {value}")

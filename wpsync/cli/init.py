"""``wpsync init``: the command over :func:`wpsync.config_writer.run_init`, then ``doctor``."""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from wpsync.cli.common import CONFIG_NAME, Globals, fail, load
from wpsync.errors import ConfigError, WpsyncError

if TYPE_CHECKING:
    from wpsync.wordpress.doctor.sniff import SiteFacts


def _interactive() -> bool:
    try:
        return sys.stdin.isatty()
    except (OSError, ValueError):
        return False


def _target(g: Globals, force: bool) -> Path:
    """The file to write: --config's, else config.toml here -- refused, before any
    question, when it exists (without --force) or when one above already covers this
    folder."""
    if not g.config_searched:
        target = g.config_path
    else:
        target = Path(CONFIG_NAME)
        if g.config_path != target and not force:
            raise ConfigError(
                f"{g.config_path} already configures this folder",
                hint="run wpsync here as it is (it finds that file), or "
                "`wpsync init --force` to start a separate project in this folder",
            )
    from wpsync.source.dialect import is_hugo_config

    if target.is_file() and is_hugo_config(target):  # even with --force: it is not ours
        raise ConfigError(
            f"{target} is Hugo's configuration, not wpsync's: never replaced",
            hint="keep wpsync's beside it: `wpsync --config wpsync.toml init`, then "
            "`wpsync --config wpsync.toml sync`",
        )
    if target.exists() and not force:
        raise ConfigError(
            f"{target} already exists; not overwritten",
            hint="`wpsync doctor` checks it; `wpsync init --force` replaces it",
        )
    return target


def _content_dir(target: Path) -> tuple[str, str | None]:
    """The content folder to write when --content-dir is not given, and why: the
    config's own folder when it is a Hugo or Jekyll site's root, a vault or a docs folder
    (read from there, as the README's "Coming from another tool" says), else
    ``content``."""
    from wpsync.source.dialect import found_in

    found = found_in(target.resolve().parent)
    if found is None:
        return "content", None
    return ".", f"{found.dialect}: {found.reason}"


def _ask_url() -> tuple[str, SiteFacts]:
    """The site's address, asked until it is a reachable WordPress."""
    from wpsync.cli.terminal import shown
    from wpsync.wordpress.doctor.sniff import normalise_url, sniff_site

    while True:
        url = normalise_url(click.prompt("WordPress site address (e.g. https://blog.example.com)"))
        try:
            facts = sniff_site(url)
        except ConfigError as exc:
            click.echo(f"  ✗ {shown(exc)}" + (f" ({shown(exc.hint)})" if exc.hint else ""))
            continue
        click.echo(
            f"  ✓ WordPress{f' ({shown(facts.name)})' if facts.name else ''}; "
            f"it offers {facts.offered}"
        )
        return url, facts


def _ask_username(facts: SiteFacts | None) -> str:
    from wpsync.cli.terminal import shown
    from wpsync.wordpress.doctor.sniff import user_listed

    while True:
        username = str(click.prompt("WordPress user to publish as")).strip()
        if not username:
            continue
        if facts is not None:
            listed = user_listed(facts, username)
            if listed:
                click.echo(f"  ✓ {shown(username)} is a user of the site")
            elif listed is False:
                click.echo(
                    f"  · {shown(username)} is not among the site's public authors (normal "
                    "for a user without published posts); doctor checks the login"
                )
        return username


def _password_step(url: str, username: str, auth: str) -> bool:
    """Where the password will come from: the system keyring when the optional extra is
    installed and the user wants it (True), else the line to export."""
    from wpsync.keyring_password import keyring_available, keyring_service, store_in_keyring

    kind = "application password" if auth == "application-password" else "password"
    if keyring_available() and click.confirm(
        f"Store the {kind} in the system keyring?", default=True
    ):
        secret = click.prompt(f"The {kind} of {username}", hide_input=True)
        store_in_keyring(url, username, secret)
        click.echo(f"  ✓ stored in the keyring ({keyring_service(url)}, {username})")
        return True
    click.echo(
        f"  The {kind} is not stored in config.toml; before `wpsync doctor`:\n"
        "    export WPSYNC_PASSWORD='…'"
        + (
            "\n  (or install wpsync[keyring] to keep it in the system keyring)"
            if not keyring_available()
            else ""
        )
    )
    return False


@click.command()
@click.option("--url", help="The site's address, e.g. https://blog.example.com.")
@click.option("--username", help="The WordPress user wpsync logs in as.")
@click.option(
    "--auth",
    type=click.Choice(["jwt", "application-password"]),
    default=None,
    help="JWT plugin or core application password. Default: what the site offers "
    "(asked at a terminal), else jwt.",
)
@click.option(
    "--content-dir",
    default=None,
    help="The Markdown folder.  Default: this folder when it is a Hugo or Jekyll site, an "
    "Obsidian vault or a docs folder (read from its root), else content.",
)
@click.option("--force", is_flag=True, help="Replace an existing configuration file.")
@click.option("--no-doctor", is_flag=True, help="Do not run `wpsync doctor` afterwards.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (and doctor's).")
@click.pass_obj
def init(
    g: Globals,
    url: str | None,
    username: str | None,
    auth: str | None,
    content_dir: str | None,
    force: bool,
    no_doctor: bool,
    as_json: bool,
) -> None:
    """Write a commented config.toml, keep .wpsync/ out of git, then run doctor.

    Asks for the URL and the user when run at a terminal without --url/--username, and
    checks each answer as it is given: the address must be a reachable WordPress, whose
    logins pick --auth (the JWT plugin if it has one, else application passwords).
    Never writes a password: at a terminal it offers to keep it in the system keyring
    (with wpsync[keyring] installed), else export it as WPSYNC_PASSWORD (or set
    site.password_command) before `wpsync doctor` and `wpsync sync`.  An existing
    config.toml -- here, or one above that already covers this folder -- is left alone
    unless --force, and said before any question.  Also creates the content folder and
    adds the state folder to the .gitignore next to the config file.

    \b
    Example:
      wpsync init                                   # asks for the URL and the user
      wpsync init --url https://blog.example.com --username editor
      export WPSYNC_PASSWORD=…  &&  wpsync doctor   # then check the set-up
    """
    from wpsync.cli.reports import render_report
    from wpsync.cli.terminal import can_encode, colour_enabled
    from wpsync.config_writer import run_init
    from wpsync.wordpress.doctor import run_doctor

    out: dict[str, object] = {}
    try:
        target = _target(g, force)
        g = dataclasses.replace(g, config_path=target, config_searched=False)
        asking = url is None or username is None
        if asking and not _interactive():
            raise ConfigError(
                "no terminal to ask at: give --url and --username",
                hint="wpsync init --url https://blog.example.com --username editor",
            )
        facts = None
        if url is None:
            url, facts = _ask_url()
            if auth is None and facts.preferred_auth is not None:
                auth = facts.preferred_auth
                click.echo(f"  → auth = {auth!r}")
            elif auth is None:
                click.echo(
                    "  ! neither the JWT plugin nor application passwords are available yet; "
                    "doctor says how to set one up"
                )
        if username is None:
            username = _ask_username(facts)
        auth = auth or "jwt"
        why = None
        if content_dir is None:
            content_dir, why = _content_dir(target)
        in_keyring = asking and _password_step(str(url), str(username), auth)
        result, _ = run_init(
            target,
            url=str(url),
            username=str(username),
            auth=auth,
            content_dir=content_dir,
            force=force,
            password_keyring=in_keyring,
        )
        out["init"] = result.to_json()
        if not as_json and g.verbosity >= 0:
            click.echo(f"wrote {result.config_path}")
            if why is not None:
                click.echo(f"content folder: this one ({why})")
            if result.created_content_dir:
                click.echo(f"created {result.content_dir}/")
            if result.gitignore is not None:
                click.echo(f"added the state folder to {result.gitignore}")
            if result.trusted_url is not None:
                click.echo(
                    f"approved {result.trusted_url} for this folder's password "
                    "(`wpsync trust --revoke` undoes it)"
                )
        report = None
        if not no_doctor:
            from wpsync.engine.readiness import with_folder_checks

            config = load(g)
            report = with_folder_checks(config, run_doctor(config))
            out["doctor"] = report.to_json()
    except WpsyncError as exc:
        fail(exc, as_json)
    if as_json:
        click.echo(json.dumps(out))
        return
    if report is not None:
        click.echo("")
        click.echo(
            render_report(
                report,
                colour=colour_enabled(sys.stdout),
                unicode=can_encode(sys.stdout, "✓✗…→"),
            )
        )
        if not report.ok:
            click.echo(
                "\nFix what doctor reports, then run `wpsync doctor` again; "
                "`wpsync sync` publishes once it is all ✓."
            )
        else:
            click.echo("\nNext: `wpsync plan` shows what `wpsync sync` would publish.")

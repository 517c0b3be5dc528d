"""``wpsync init``: the command over :func:`wpsync.config_writer.run_init`, then ``doctor``."""

from __future__ import annotations

import json
import sys

import click

from wpsync.cli.common import Globals, fail, load
from wpsync.errors import ConfigError, WpsyncError


def _interactive() -> bool:
    try:
        return sys.stdin.isatty()
    except (OSError, ValueError):
        return False


@click.command()
@click.option("--url", help="The site's address, e.g. https://blog.example.com.")
@click.option("--username", help="The WordPress user wpsync logs in as.")
@click.option(
    "--auth",
    type=click.Choice(["jwt", "application-password"]),
    default="jwt",
    show_default=True,
    help="JWT plugin or core application password.",
)
@click.option("--content-dir", default="content", show_default=True, help="The Markdown folder.")
@click.option("--force", is_flag=True, help="Replace an existing configuration file.")
@click.option("--no-doctor", is_flag=True, help="Do not run `wpsync doctor` afterwards.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (and doctor's).")
@click.pass_obj
def init(
    g: Globals,
    url: str | None,
    username: str | None,
    auth: str,
    content_dir: str,
    force: bool,
    no_doctor: bool,
    as_json: bool,
) -> None:
    """Write a commented config.toml, keep .wpsync/ out of git, then run doctor.

    Asks for the URL and the user when run at a terminal without --url/--username.
    Never writes a password: export it as WPSYNC_PASSWORD (or set site.password_command)
    before `wpsync doctor` and `wpsync sync`.  An existing config.toml is left alone
    unless --force.  Also creates the content folder and adds the state folder to the
    .gitignore next to the config file.

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
        if (url is None or username is None) and not _interactive():
            raise ConfigError(
                "no terminal to ask at: give --url and --username",
                hint="wpsync init --url https://blog.example.com --username editor",
            )
        if url is None:
            url = click.prompt("WordPress site address (e.g. https://blog.example.com)")
        if username is None:
            username = click.prompt("WordPress user to publish as")
        result, _ = run_init(
            g.config_path,
            url=str(url),
            username=str(username),
            auth=auth,
            content_dir=content_dir,
            force=force,
        )
        out["init"] = result.to_json()
        if not as_json and g.verbosity >= 0:
            click.echo(f"wrote {result.config_path}")
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

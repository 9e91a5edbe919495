"""What the two web servers members meet (`coop portal`, `coop ballot-web`) share on their
command line: the reverse proxies whose X-Forwarded-For is believed."""

from __future__ import annotations

from typing import Any

import typer

from coopflow_cli.ballot_web.clients import BadProxySetting, parse_trusted


def trusted_proxy_option() -> Any:
    """The `--trusted-proxy` option (repeatable)."""
    return typer.Option(
        None,
        "--trusted-proxy",
        help="Reverse proxy whose X-Forwarded-For is believed (IP or network; repeat or "
        "comma-separate). Default: COOP_TRUSTED_PROXIES; none means the connecting address",
    )


def checked_proxies(trusted_proxy: list[str] | None) -> tuple[str, ...] | None:
    """The proxies as the app takes them (None: the COOP_TRUSTED_PROXIES setting); a value
    that is no address or network stops the command (status 2) before anything is served."""
    proxies = tuple(trusted_proxy) if trusted_proxy else None
    try:
        parse_trusted(proxies or ())
    except BadProxySetting as exc:
        typer.echo(f"--trusted-proxy: {exc}", err=True)
        raise typer.Exit(2) from exc
    return proxies

"""`coop portal`: serve the member portal."""

from __future__ import annotations

import typer


def portal(
    host: str = typer.Option("127.0.0.1", help="Address to listen on"),
    port: int = typer.Option(8770, help="Port"),
    trusted_proxy: list[str] = typer.Option(
        None,
        "--trusted-proxy",
        help="Reverse proxy whose X-Forwarded-For is believed (IP or network; repeat or "
        "comma-separate). Default: COOP_TRUSTED_PROXIES; none means the connecting address",
    ),
) -> None:
    """Serve the member portal (FastAPI + uvicorn, no access log): sign in by e-mail link,
    apply, subscribe, declare jobs, apply for grants, my file."""
    from coopflow_cli.ballot_web.clients import BadProxySetting, parse_trusted
    from coopflow_cli.portal.app import serve
    from governance.config import get_settings
    from governance.db.keys import key_material

    proxies = tuple(trusted_proxy) if trusted_proxy else None
    try:
        parse_trusted(proxies or ())
    except BadProxySetting as exc:
        typer.echo(f"--trusted-proxy: {exc}", err=True)
        raise typer.Exit(2) from exc
    key_material(get_settings())  # a key that does not open the database: no start
    serve(host, port, proxies)

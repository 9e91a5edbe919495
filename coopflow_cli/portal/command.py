"""`coop portal`: serve the member portal."""

from __future__ import annotations

import typer

from coopflow_cli.web_options import checked_proxies, trusted_proxy_option


def portal(
    host: str = typer.Option("127.0.0.1", help="Address to listen on"),
    port: int = typer.Option(8770, help="Port"),
    trusted_proxy: list[str] = trusted_proxy_option(),
) -> None:
    """Serve the member portal (FastAPI + uvicorn, no access log): sign in by e-mail link,
    apply, subscribe, declare jobs, apply for grants, my file."""
    from coopflow_cli.portal.app import serve
    from governance.config import get_settings
    from governance.db.keys import key_material

    proxies = checked_proxies(trusted_proxy)
    key_material(get_settings())  # a key that does not open the database: no start
    serve(host, port, proxies)

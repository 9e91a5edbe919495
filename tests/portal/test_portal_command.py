"""The two web servers members meet take `--trusted-proxy` the same way: a value that is no
address or network stops the command with a message naming it, before anything is served."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from coopflow_cli.main import app
from coopflow_cli.web_options import checked_proxies

runner = CliRunner()


@pytest.mark.parametrize("command", ["portal", "ballot-web"])
def test_a_proxy_that_is_no_address_stops_the_server_with_its_name(command: str) -> None:
    done = runner.invoke(app, [command, "--trusted-proxy", "10.0.0.1", "--trusted-proxy",
                               "proxy.example.be"])
    assert done.exit_code == 2
    assert "--trusted-proxy: trusted proxy 'proxy.example.be' is not an IP address" in done.output


def test_proxies_are_kept_as_given_and_none_means_the_setting() -> None:
    assert checked_proxies(["10.0.0.1, 192.168.0.0/24", "::1"]) == (
        "10.0.0.1, 192.168.0.0/24", "::1")
    assert checked_proxies(None) is None
    assert checked_proxies([]) is None

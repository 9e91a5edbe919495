"""deploy/: every secret of the compose file comes from the environment with no default (a
missing one stops `docker compose` with a message), every long-running service has a health
check, workers are supervised and scaled by COOP_WORKERS; systemd stops workers gently."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
SECRET = re.compile(r"PASSWORD|ENCRYPTION_KEY|AUTH_STRING")


def _compose() -> dict[str, Any]:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def _values(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [v for item in node.values() for v in _values(item)]
    if isinstance(node, list):
        return [v for item in node for v in _values(item)]
    return [str(node)]


def test_no_secret_has_a_default_in_the_compose_file() -> None:
    text = (DEPLOY / "compose.yaml").read_text()
    uses = re.findall(r"\$\{([A-Z_]+)(:?[-?])?([^}]*)\}", text)
    secrets = [(name, op) for name, op, _ in uses if SECRET.search(name)]
    assert secrets, "the compose file reads no secret"
    assert all(op == ":?" for _, op in secrets), secrets  # required, never defaulted
    for service in _compose()["services"].values():
        for name, value in (service.get("environment") or {}).items():
            if SECRET.search(name):
                assert "${" in str(value), f"{name} is written in the file"


def test_every_service_is_checked_and_workers_are_supervised() -> None:
    services = _compose()["services"]
    for name, service in services.items():
        if service.get("restart") != "no":  # the one-shot deploy step aside
            assert "healthcheck" in service, name
    worker = services["worker"]
    assert worker["command"][:2] == ["coop", "worker"]
    assert worker["deploy"]["replicas"] == "${COOP_WORKERS:-2}"
    assert worker["environment"]["COOP_ENVIRONMENT"] == "production"
    assert "coop deploy" in " ".join(services["deploy"]["command"])


def test_systemd_workers_get_sigterm_first_and_a_bounded_stop() -> None:
    unit = (DEPLOY / "systemd" / "coop-worker@.service").read_text()
    assert "KillMode=mixed" in unit and "TimeoutStopSec=40" in unit
    assert "coop worker" in unit and "Restart=always" in unit
    assert not any(SECRET.search(line) and "=" in line.split("#")[0]
                   for line in unit.splitlines() if not line.startswith("#"))

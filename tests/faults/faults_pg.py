"""Stop and start the local PostgreSQL server the suite runs on (Debian's pg_ctlcluster, the
cluster listening on the test URL's port). Whatever happens, `ensure_up` brings it back."""

from __future__ import annotations

import shutil
import subprocess
import time
from dataclasses import dataclass

from sqlalchemy.engine import make_url

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", None}


@dataclass(frozen=True)
class PgCluster:
    version: str
    name: str
    host: str
    port: int

    def _ctl(self, action: str, *extra: str) -> None:
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", self.version, self.name,
                        action, *extra], check=True, capture_output=True, timeout=120)

    def ready(self) -> bool:
        return subprocess.run(["pg_isready", "-q", "-h", self.host, "-p", str(self.port)],
                              check=False, timeout=30).returncode == 0

    def stop(self) -> None:
        """Fast shutdown: open transactions are rolled back, clients are disconnected."""
        self._ctl("stop", "-m", "fast")

    def start(self, wait_seconds: float = 60) -> None:
        self._ctl("start")
        deadline = time.monotonic() + wait_seconds
        while not self.ready():
            if time.monotonic() > deadline:
                raise RuntimeError("PostgreSQL did not come back")
            time.sleep(0.2)

    def ensure_up(self) -> None:
        if not self.ready():
            self.start()


def local_cluster(url: str) -> PgCluster | str:
    """The cluster serving `url`, or why it cannot be stopped from here."""
    parsed = make_url(url)
    if parsed.host not in LOCAL_HOSTS:
        return f"{parsed.host} is not this machine"
    if not (shutil.which("pg_ctlcluster") and shutil.which("pg_lsclusters")):
        return "no pg_ctlcluster here (Debian's postgresql-common)"
    port = parsed.port or 5432
    listing = subprocess.run(["pg_lsclusters", "-h"], check=True, capture_output=True,
                             text=True, timeout=30).stdout
    for line in listing.splitlines():
        version, name, cluster_port, *_ = line.split()
        if int(cluster_port) == port:
            return PgCluster(version, name, parsed.host or "127.0.0.1", port)
    return f"no local cluster listens on port {port}"

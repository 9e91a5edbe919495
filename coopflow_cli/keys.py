"""`coop keys …`: the encryption key of sensitive fields (generate, check, rotate)."""

from __future__ import annotations

import typer
from rich.console import Console

app = typer.Typer(
    help="The encryption key of national numbers and ballot codes.", no_args_is_help=True
)
console = Console()


@app.command("generate")
def generate() -> None:
    """Print a new key for COOP_ENCRYPTION_KEY (nothing is stored)."""
    from governance.db.keys import new_key

    print(new_key())


@app.command("check")
def check() -> None:
    """Prove the configured key opens this database (exit 2 with the reason when it does not)."""
    from governance.config import get_settings
    from governance.db.keys import fingerprint, has_key_check, key_material

    settings = get_settings()
    material = key_material(settings)
    if not has_key_check(settings):
        console.print("the database has no key check yet: run `coop db upgrade`")
        raise typer.Exit(1)
    console.print(f"OK: the key {fingerprint(material.keyring.primary)} opens this database")


@app.command("rotate")
def rotate(
    batch_size: int = typer.Option(500, min=1, max=10_000, help="Values per transaction"),
) -> None:
    """Re-encrypt every stored value under COOP_ENCRYPTION_KEY, reading the former keys from
    COOP_ENCRYPTION_OLD_KEYS. Safe to stop and run again; ballot codes and duplicate checks
    stay valid. Afterwards remove COOP_ENCRYPTION_OLD_KEYS."""
    from governance.config import get_settings
    from governance.db.keys import rotate as rotate_keys

    settings = get_settings()
    report = rotate_keys(settings, batch_size=batch_size)
    console.print(
        f"re-encrypted {report.reencrypted} value(s) under the key {report.key} "
        f"({report.already_current} were already under it)."
    )
    if settings.encryption_old_keys is not None:
        console.print(
            "Every value now opens with COOP_ENCRYPTION_KEY alone: remove COOP_ENCRYPTION_OLD_KEYS."
        )

"""`liaison hcp erase ID --reason TEXT`: erase an HCP's personal data on their request (see docs/PRIVACY.md).

No `from __future__ import annotations` here: typer reads the option types of these nested commands at run time.
"""

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from liaison.device.domain.erasure import consequences

if TYPE_CHECKING:
    from liaison.device.store.store import Store

Opener = Callable[[Path | None], AbstractContextManager["Store"]]
err = Console(stderr=True, highlight=False, soft_wrap=True)


def register(hcp_cli: typer.Typer, opened: Opener, data_dir_option: Any) -> None:
    @hcp_cli.command("erase")
    def hcp_erase(
        hcp_id: Annotated[str, typer.Argument(metavar="ID")],
        reason: Annotated[
            str, typer.Option("--reason", help="The request and its basis, without the HCP's name, e.g. 'e-mail of 3 March, GDPR art. 17'.")
        ],
        requested_at: Annotated[datetime | None, typer.Option("--requested-at", help="When the HCP asked (ISO 8601); default now.")] = None,
        yes: Annotated[bool, typer.Option("--yes", help="Erase without asking for confirmation.")] = False,
        data_dir: data_dir_option = None,
    ) -> None:
        """Erase an HCP's personal data on request, here and (through sync) everywhere; adverse events stay, pseudonymized."""
        from liaison.core.records.models import Hcp

        if requested_at is not None and requested_at.tzinfo is None:
            requested_at = requested_at.astimezone()
        with opened(data_dir) as store:
            impact = store.repository.erasure_impact(hcp_id, reason)
            hcp = store.repository.get(Hcp, hcp_id, include_deleted=True)
            err.print(f"Erasing the personal data of {hcp.name} ({hcp.id}):", markup=False)
            for line in consequences(impact):
                err.print(f"  - {line}", markup=False)
            if not yes and not typer.confirm("Erase now?", default=False, err=True):
                err.print("nothing was erased")
                raise typer.Exit(1)
            receipt = store.repository.erase_hcp(hcp_id, reason, requested_at=requested_at)
        typer.echo(f"erased {hcp_id}: now {receipt.pseudonym}; receipt {receipt.id}")

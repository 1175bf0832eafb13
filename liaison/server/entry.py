"""The `liaison-server` script: a one-line error, not an ImportError, when the server extra is absent.

The script is installed with every wheel (scripts cannot depend on an extra), so it
checks for `liaison[server]` before importing the CLI, which imports FastAPI.
"""

from __future__ import annotations

import sys

from liaison.core.extras import MissingExtra, require


def main() -> None:
    try:
        require("server", "liaison-server")
    except MissingExtra as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(1) from None
    from liaison.server.cli import main as cli_main

    cli_main()

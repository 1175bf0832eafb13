"""`python -m app.ui`: the same as `liaison` with no sub-command."""

from app.cli import main

main()

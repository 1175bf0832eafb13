"""`python -m liaison.device.ui`: the same as `liaison` with no sub-command."""

from liaison.device.cli import main

main()

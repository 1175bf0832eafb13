"""Entry point for `flet build` bundles (tablets and desktop installers).

It starts the same app as the `liaison` command, with the deployment profile
(`flet.toml`) and the platform's per-app data directory.
"""

from liaison.device.config import load_settings
from liaison.device.launch import launch

launch(load_settings(), None, demo=False, web=False, port=None)

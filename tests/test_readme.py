"""The README is the front door: it must stay true to the code."""

import re
from pathlib import Path

import isc.config

ROOT = Path(__file__).resolve().parent.parent


def test_every_setting_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    settings = [name for name in vars(isc.config) if re.fullmatch(r"[A-Z][A-Z0-9_]+", name)]
    missing = [name for name in settings if f"| `{name}` |" not in readme]
    assert not missing, f"settings missing from the README's table: {missing}"


def test_every_isc_command_is_documented_in_the_readme(app):
    readme = (ROOT / "README.md").read_text()
    group = app.cli.get_command(None, "isc")
    missing = [name for name in group.list_commands(None) if f"`isc {name}" not in readme]
    assert not missing, f"commands missing from the README: {missing}"

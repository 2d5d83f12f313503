"""Every DSFR icon class a template uses is defined by a stylesheet the layout loads (an icon
missing from them shows as a plain square)."""

import re
from pathlib import Path

import pytest

ISC = Path(__file__).resolve().parent.parent / "isc"
ICON = re.compile(r"fr-icon-[a-z0-9-]*[a-z0-9]")


def _loaded_stylesheets() -> list[Path]:
    layout = (ISC / "templates" / "base.html").read_text()
    names = re.findall(r"filename='(dsfr/utility/icons/[^']+\.css)'", layout)
    return [ISC / "static" / name for name in names]


def test_every_icon_used_by_a_template_is_styled():
    stylesheets = _loaded_stylesheets()
    if not all(path.exists() for path in stylesheets):
        pytest.skip("DSFR assets not installed (bash assets/install.sh)")
    defined = set()
    for path in stylesheets:
        defined.update(ICON.findall(path.read_text()))
    used = {
        icon for template in (ISC / "templates").rglob("*.html")
        for icon in ICON.findall(template.read_text())
    }
    assert used - defined == set()

"""Fixtures for the Kbis reader: generated PDFs written where a test can read them."""

from pathlib import Path

import pytest

from tests.kbis.pdf_factory import kbis_pdf


@pytest.fixture
def make_kbis(tmp_path):
    """`make_kbis(ruled=True, ...)` writes a generated Kbis (or the bytes given) and returns its
    path."""
    counter = iter(range(1, 1000))

    def write(data: bytes | None = None, *, name: str | None = None, **changes) -> Path:
        path = tmp_path / (name or f"kbis-{next(counter)}.pdf")
        path.write_bytes(kbis_pdf(**changes) if data is None else data)
        return path

    return write

"""Reading portal pages the way a person does: as text, without markup."""

import html
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
_CSRF_VALUE = re.compile(
    r'(name="csrf_token"[^>]*value=")[^"]+|(value=")[^"]+("[^>]*name="csrf_token")'
)


def text(response) -> str:
    """The visible text of an HTML response, entities decoded and white space collapsed."""
    body = response.get_data(as_text=True)
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S | re.I)
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", body))).strip()


def without_csrf_tokens(response) -> str:
    """The HTML of a response with its (per-session) CSRF tokens blanked, for comparisons."""
    return _CSRF_VALUE.sub(
        lambda m: (m.group(1) or m.group(2)) + "…" + (m.group(3) or ""),
        response.get_data(as_text=True),
    )


def location_path(response) -> str:
    """The path (and query) a redirect points to, whatever the host."""
    parts = urlsplit(response.headers["Location"])
    return parts.path + (f"?{parts.query}" if parts.query else "")


class _Described(HTMLParser):
    """Collects the `aria-describedby` of each named field and the text of elements by id."""

    _VOID = {"input", "br", "img", "hr", "meta", "link", "source", "wbr", "area", "col"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.described_by: dict[str, list[str]] = {}
        self.text_by_id: dict[str, str] = {}
        self._open: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in ("input", "select", "textarea") and attributes.get("name"):
            self.described_by[attributes["name"]] = (
                attributes.get("aria-describedby") or ""
            ).split()
        if tag not in self._VOID:
            self._open.append((tag, attributes.get("id")))
            if attributes.get("id"):
                self.text_by_id.setdefault(attributes["id"], "")

    def handle_endtag(self, tag):
        while self._open:
            opened, _ = self._open.pop()
            if opened == tag:
                break

    def handle_data(self, data):
        for _, element_id in self._open:
            if element_id:
                self.text_by_id[element_id] += data


def error_of_field(response, name: str) -> str:
    """The text tied to field `name` through its `aria-describedby` (its error message, as
    a screen reader announces it); empty when nothing is tied to it."""
    parser = _Described()
    parser.feed(response.get_data(as_text=True))
    assert name in parser.described_by, f"no field named {name!r}"
    parts = (parser.text_by_id.get(ref, "") for ref in parser.described_by[name])
    return _SPACE.sub(" ", " ".join(parts)).strip()

"""Escaping for Markdown output: candidate text shows as text, never as markup or a formula."""

from __future__ import annotations

import re

from markupsafe import Markup

_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_LEADING = re.compile(r"^(\s*)([=+\-@#>!])")  # headings, quotes, spreadsheet formulas


def md_escape(value: object) -> Markup:
    """``value`` as one line of inline Markdown text, safe inside a table cell.

    HTML-significant characters become entities, Markdown punctuation is backslash-escaped
    (pipes and backticks included), a leading ``= + - @`` (spreadsheet formula) or ``# > !``
    is neutralised, and line breaks become ``<br>`` so a table row stays one line.
    """
    text = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _SPECIAL.sub(r"\\\1", text)
    lines = [_LEADING.sub(r"\1\\\2", line) for line in text.split("\n")]
    return Markup("<br>".join(lines))  # noqa: S704 - every character above is escaped

"""Lesson texts from Markdown to HTML that is safe to show: CommonMark (with tables and
strikethrough) through markdown-it-py, raw HTML never passed through (it is shown as
text), links only to safe schemes (markdown-it refuses javascript:, vbscript:, file: and
data:), opening with rel="nofollow noopener", and no images, so a lesson loads nothing
from elsewhere (an image becomes a link to it)."""

from collections.abc import Sequence
from typing import Any

from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.token import Token

_MARKDOWN = (
    MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    .enable(["table", "strikethrough"])
    .disable("image")
)


def _link_open(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    tokens[idx].attrSet("rel", "nofollow noopener")
    return str(self.renderToken(tokens, idx, options, env))


_MARKDOWN.add_render_rule("link_open", _link_open)


def render_lesson(text: str) -> SafeString:
    """The lesson's Markdown as HTML; every character of the author's own is escaped."""
    # raw HTML is off: markdown-it escapes every character the author wrote
    return mark_safe(_MARKDOWN.render(text or ""))  # noqa: S308

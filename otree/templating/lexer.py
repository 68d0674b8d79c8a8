"""Splitting template source into text and tags, and tag contents into tokens."""

from __future__ import annotations

import re
from dataclasses import dataclass

from jinja2 import TemplateSyntaxError

# Kinds of segments: plain text, {{ ... }}, {% ... %}, {# ... #}.
TEXT, VAR, TAG, COMMENT = "text", "var", "tag", "comment"

_OPENER = re.compile(r"\{[{%#]")
_CLOSERS = {"{{": (VAR, "}}"), "{%": (TAG, "%}"), "{#": (COMMENT, "#}")}


@dataclass
class Segment:
    """One piece of the template; `raw` is the exact source text, `content` the tag's inside."""

    kind: str
    raw: str
    content: str
    lineno: int

    @property
    def newlines(self) -> int:
        """How many line breaks the segment spans (kept 1:1 in the translation)."""
        return self.raw.count("\n")


def split_template(source: str) -> list[Segment]:
    """Cut template source into segments; raises TemplateSyntaxError for an unclosed tag."""
    segments: list[Segment] = []
    pos, lineno = 0, 1
    while pos < len(source):
        match = _OPENER.search(source, pos)
        if match is None:
            segments.append(Segment(TEXT, source[pos:], source[pos:], lineno))
            break
        start = match.start()
        if start > pos:
            text = source[pos:start]
            segments.append(Segment(TEXT, text, text, lineno))
            lineno += text.count("\n")
        kind, closer = _CLOSERS[match.group()]
        end = _find_closer(source, match.end(), closer, skip_strings=kind != COMMENT)
        if end < 0:
            first_line = source[start:].split("\n", 1)[0]
            raise TemplateSyntaxError(f"Unclosed tag {first_line!r}: missing {closer!r}", lineno)
        raw = source[start : end + 2]
        segments.append(Segment(kind, raw, raw[2:-2].strip(), lineno))
        lineno += raw.count("\n")
        pos = end + 2
    return segments


def _find_closer(source: str, pos: int, closer: str, skip_strings: bool) -> int:
    """Index of the closing delimiter, ignoring ones inside quoted strings."""
    if skip_strings:
        i = pos
        while i < len(source):
            ch = source[i]
            if source.startswith(closer, i):
                return i
            if ch in "'\"":
                end = _string_end(source, i)
                if end < 0:
                    break  # a stray quote: fall back to the plain search below
                i = end
            i += 1
    return source.find(closer, pos)


def _string_end(source: str, start: int) -> int:
    """Index of the quote closing the string literal that opens at `start` (-1 if none)."""
    quote = source[start]
    i = start + 1
    while i < len(source):
        ch = source[i]
        if ch == "\\":
            i += 2
            continue
        if ch == quote:
            return i
        if ch == "\n":
            return -1
        i += 1
    return -1


# ---------------------------------------------------------------- expression tokens

WS, STRING, NUMBER, NAME, OP = "ws", "string", "number", "name", "op"

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
    |(?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
    |(?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
    |(?P<name>[^\W\d]\w*)
    |(?P<op>\|\||\?\?|::|==|!=|<=|>=|\*\*|//|[-+*/%<>=!()\[\]{}.,:|~&?])
    """,
    re.VERBOSE | re.DOTALL,
)
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True)
class Token:
    """One token of an expression inside a tag."""

    kind: str
    text: str

    def is_op(self, *texts: str) -> bool:
        return self.kind == OP and self.text in texts

    def is_name(self, *texts: str) -> bool:
        return self.kind == NAME and (not texts or self.text in texts)


class ExpressionError(ValueError):
    """An expression contains something that is not a token (the translator adds the line)."""


def tokenize(text: str) -> list[Token]:
    """Tokens of an expression; whitespace is kept as WS tokens."""
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            raise ExpressionError(f"Unexpected character {text[pos]!r} in {text!r}")
        kind = match.lastgroup or OP
        value = match.group()
        if kind == NUMBER and _previous_is_dot(tokens):
            # In `items.0.1` the digits after each dot are separate indexes, not the float 0.1.
            value = _DIGITS.match(text, pos).group()  # type: ignore[union-attr]
        tokens.append(Token(kind, value))
        pos += len(value)
    return tokens


def _previous_is_dot(tokens: list[Token]) -> bool:
    return bool(tokens) and tokens[-1].is_op(".")


def significant(tokens: list[Token]) -> list[Token]:
    """The tokens without whitespace."""
    return [t for t in tokens if t.kind != WS]

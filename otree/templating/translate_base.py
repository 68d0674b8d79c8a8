"""The translator's machinery: walking the segments, the tag stack, line keeping, page rules.

Each segment of the user's file becomes Jinja text with exactly as many line
breaks as it had (a tag's missing line breaks go inside the emitted tag), so
Jinja's line numbers are the user's line numbers. The tags themselves are in
translate_otree.py and translate_django.py.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Callable

from jinja2 import TemplateSyntaxError

from .expressions import render_tokens, translate_tokens
from .lexer import COMMENT, TAG, TEXT, VAR, ExpressionError, Segment, Token, split_template, tokenize

# Tags recognised inside {{ }} (oTree 5/6 style). Everything else there is an expression.
OTREE_TAGS = {
    "block", "endblock", "if", "elif", "else", "endif", "for", "empty", "endfor",
    "with", "endwith", "include", "include_sibling", "extends", "comment", "endcomment",
    "load", "csrf_token", "static", "url", "trans", "blocktrans", "endblocktrans",
    "next_button", "back_button", "formfields", "formfield", "formfield_errors", "chat",
    "ibis_tag_lvar", "ibis_tag_rvar", "ibis_tag_lblock", "ibis_tag_rblock",
}  # fmt: skip

# Of those, the ones that are only a tag when followed by arguments ({{ url }} is a variable).
_NEEDS_ARGS = {
    "block", "if", "elif", "for", "with", "include", "include_sibling", "extends",
    "static", "url", "trans", "formfield", "formfield_errors",
}  # fmt: skip

# Tags whose names are Python keywords or never used as variables: always tags.
_STRUCTURAL = {"if", "elif", "for", "with", "include", "include_sibling", "extends", "block"}

# oTree's escapes for literal delimiters, and Django's {% templatetag %} names.
LITERALS = {
    "ibis_tag_lvar": "{{", "ibis_tag_rvar": "}}", "ibis_tag_lblock": "{%", "ibis_tag_rblock": "%}",
    "openvariable": "{{", "closevariable": "}}", "openblock": "{%", "closeblock": "%}",
    "openbrace": "{", "closebrace": "}", "opencomment": "{#", "closecomment": "#}",
}  # fmt: skip

_TAG_HEAD = re.compile(r"([^\W\d]\w*)(?:\s+(.*))?$", re.DOTALL)
IDENTIFIER = re.compile(r"[^\W\d]\w*$")

# Name of the variable holding the outer loop at a given depth (Jinja's `loop` is only the innermost).
LOOP_VAR = "_otree_loop_{}"


@dataclass
class OpenTag:
    """A tag waiting for its end tag."""

    tag: str
    closers: tuple[str, ...]
    lineno: int
    out_index: int
    depth: int = 0  # for loops: 1 for the outermost
    needs_loop_var: bool = False  # an inner `forloop` refers to this loop as a parent
    seen_else: bool = False
    has_count: bool = False  # blocktrans with count: {% plural %} is allowed
    close_text: str = ""  # Jinja text that replaces the end tag


@dataclass
class TranslatorBase:
    """State of one translation; subclasses add a `tag_<name>` method per tag."""

    name: str
    base: str | None
    stack: list[OpenTag] = field(default_factory=list)
    out: list[str] = field(default_factory=list)
    first_seen: bool = False  # a node other than whitespace, comments and {% load %} was seen
    implied: bool = False  # extends `base` is implied
    lineno: int = 1

    # ------------------------------------------------------------ driver

    def run(self, source: str) -> str:
        segments = split_template(source)
        i = 0
        while i < len(segments):
            seg = segments[i]
            self.lineno = seg.lineno
            if seg.kind == TEXT:
                self._text(seg)
            elif seg.kind == COMMENT:
                self.out.append(blank(seg.raw))
            else:
                head = self._tag_head(seg)
                if head is None:
                    self._expression(seg)
                elif head[0] in ("comment", "verbatim", "raw"):
                    i = self._skip_block(segments, i, head[0])
                    continue
                else:
                    self._tag(seg, *head)
            i += 1
        if self.stack:
            top = self.stack[-1]
            raise self._error(f"'{top.tag}' opened here is never closed (missing '{top.closers[0]}')", top.lineno)
        if not self.first_seen and self.base is not None:
            self.implied = True  # an empty page still shows the base layout
        if self.implied:
            self.out.insert(0, "{% extends " + jinja_string(self.base or "") + " %}")
        return "".join(self.out)

    def _tag_head(self, seg: Segment) -> tuple[str, str] | None:
        """(tag name, arguments) if the segment is a tag, None if it is an expression."""
        match = _TAG_HEAD.match(seg.content)
        if seg.kind == TAG:
            if match is None:
                raise self._error(f"Not a tag: {seg.raw!r}")
            return match.group(1), (match.group(2) or "").strip()
        if match is None or match.group(1) not in OTREE_TAGS:
            return None
        tag, args = match.group(1), (match.group(2) or "").strip()
        if not args and tag in _NEEDS_ARGS:
            return None
        if args and args[0] in "=|.([+-*/%<>!~,:)]&?" and tag not in _STRUCTURAL:
            return None  # `{{ chat == x }}`, `{{ url|upper }}`: a variable that shares a tag's name
        return tag, args

    def _error(self, message: str, lineno: int | None = None) -> TemplateSyntaxError:
        return TemplateSyntaxError(message, lineno or self.lineno, self.name)

    # ------------------------------------------------------------ text and expressions

    def _text(self, seg: Segment) -> None:
        stripped = seg.raw.lstrip()
        if stripped:
            leading = seg.raw[: len(seg.raw) - len(stripped)]
            self._content(seg.lineno + leading.count("\n"))
        self.out.append(seg.raw)

    def _expression(self, seg: Segment) -> None:
        if not seg.content:
            raise self._error("Empty expression {{ }}")
        self._content()
        self.out.append(pad("{{ " + self._expr(seg.content) + " }}", seg.raw))

    def _expr(self, text: str) -> str:
        return render_tokens(self._translate_tokens(self._tokens(text)))

    def _tokens(self, text: str) -> list[Token]:
        try:
            return tokenize(text)
        except ExpressionError as exc:
            raise self._error(str(exc)) from None

    def _translate_tokens(self, tokens: list[Token]) -> list[Token]:
        try:
            return translate_tokens(tokens, self._loop_var)
        except ExpressionError as exc:
            raise self._error(str(exc)) from None

    def _arg(self, tokens: list[Token]) -> str:
        return render_tokens(self._translate_tokens(tokens))

    def _loop_var(self) -> str:
        """Jinja source for `forloop` here: Django's loop API over Jinja's `loop` and its parents."""
        loops = [entry for entry in self.stack if entry.tag == "for"]
        if not loops:
            return "forloop"  # outside a loop: an ordinary (probably undefined) variable
        for outer in loops[:-1]:
            outer.needs_loop_var = True
        names = ["loop"] + [LOOP_VAR.format(entry.depth) for entry in reversed(loops[:-1])]
        return f"_otree_forloop({', '.join(names)})"

    # ------------------------------------------------------------ page rules

    def _first_node(self, is_extends: bool = False) -> None:
        if not self.first_seen:
            self.first_seen = True
            self.implied = self.base is not None and not is_extends

    def _content(self, lineno: int | None = None) -> None:
        """Called for everything that produces output."""
        self._first_node()
        # Macro and {% set %} bodies are not output where they stand, so they may sit outside blocks.
        if self.implied and not any(entry.tag in ("block", "macro", "set", "call") for entry in self.stack):
            raise self._error(
                "All content must be inside a block tag, e.g. {{ block content }} ... {{ endblock }} "
                f"(this page template extends {self.base!r} implicitly)",
                lineno,
            )

    # ------------------------------------------------------------ stack

    def _push(self, tag: str, *closers: str, **extra: object) -> OpenTag:
        entry = OpenTag(tag, closers, self.lineno, len(self.out), **extra)  # type: ignore[arg-type]
        self.stack.append(entry)
        return entry

    def _pop(self, closer: str) -> OpenTag:
        if not self.stack:
            raise self._error(f"'{closer}' without a matching opening tag")
        top = self.stack[-1]
        if closer not in top.closers:
            raise self._error(
                f"Found '{closer}', but '{top.tag}' opened on line {top.lineno} is still open "
                f"(expected '{top.closers[0]}')"
            )
        return self.stack.pop()

    def _top(self, intermediate: str, *tags: str) -> OpenTag:
        if not self.stack or self.stack[-1].tag not in tags:
            raise self._error(f"'{intermediate}' outside of {' or '.join(repr(t) for t in tags)}")
        return self.stack[-1]

    # ------------------------------------------------------------ tags

    def _tag(self, seg: Segment, tag: str, args: str) -> None:
        handler: Callable[[str], str] | None = getattr(self, "tag_" + tag, None)
        if handler is None:
            if tag in LITERALS:
                text = "{{ " + jinja_string(LITERALS[tag]) + " }}"
            else:
                raise self._error(f"Unknown tag '{tag}'")
        else:
            text = handler(args)
        self.out.append(pad(text, seg.raw))

    def _skip_block(self, segments: list[Segment], i: int, tag: str) -> int:
        """{% comment %} drops its body, {% verbatim %}/{% raw %} keep it literally; returns the next index."""
        closer = "end" + tag
        for j in range(i + 1, len(segments)):
            seg = segments[j]
            if seg.kind in (TAG, VAR) and re.match(rf"{closer}\b", seg.content):
                inner = segments[i + 1 : j]
                if tag == "comment":
                    self.out.append(blank("".join(s.raw for s in segments[i : j + 1])))
                else:
                    body = "".join(s.raw for s in inner)
                    if body.strip():
                        self._content(segments[i].lineno)
                    self.out.append(pad("{% raw %}", segments[i].raw))
                    self.out.append(body)
                    self.out.append(pad("{% endraw %}", seg.raw))
                return j + 1
        raise self._error(f"'{tag}' without '{closer}'")


def pairs_source(pairs: list[tuple[str, str]]) -> str:
    """`a = (x), b = (y)`: the assignments of a Jinja {% with %}."""
    return ", ".join(f"{name} = ({value})" for name, value in pairs)


def jinja_string(value: str) -> str:
    """A Jinja string literal (JSON escapes are valid Jinja escapes)."""
    return json.dumps(value, ensure_ascii=False)


def blank(raw: str) -> str:
    """Output nothing, but keep the line breaks of `raw` (inside a Jinja comment)."""
    breaks = raw.count("\n")
    return "{#" + "\n" * breaks + "#}" if breaks else ""


def pad(text: str, raw: str) -> str:
    """Give the Jinja text as many line breaks as the source it replaces, inside its last tag."""
    missing = raw.count("\n") - text.count("\n")
    if missing <= 0:
        return text
    if not text:
        return blank(raw)
    return text[:-2] + "\n" * missing + text[-2:]


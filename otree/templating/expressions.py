"""Translating oTree / Django expressions into Jinja expressions, token by token.

What changes:
  a || b                -> a or b
  test ?? x :: y        -> ((x) if (test) else (y))
  value|name:arg        -> value|name(arg)         (Django filter arguments)
  value|default:arg     -> value|default(arg)
  block.super           -> super()
  forloop.counter       -> a wrapper giving Django names to Jinja's `loop`
  x is None             -> x is none               (Jinja spells its tests in lower case)
  obj.method(args)      -> obj["<METHOD_PREFIX>method"](args)
The last one exists because `obj.attr` auto-calls zero-argument methods (oTree
and Django do that); a method followed by `(` must be fetched without calling
it, which the environment's getitem does for keys with METHOD_PREFIX.
"""

from __future__ import annotations

import ast
from typing import Callable

from .lexer import NAME, NUMBER, OP, STRING, WS, ExpressionError, Token, significant, tokenize

# A key that Environment.getitem reads as "fetch this attribute, don't auto-call it".
METHOD_PREFIX = "__otree_method__:"

# Word operators: never the end of an operand when splitting arguments. All but the
# last three never start one either; `as`, `with`, `only` begin a new argument.
_KEYWORDS = {"and", "or", "not", "in", "is", "if", "else", "as", "with", "only"}
_BINARY_WORDS = {"and", "or", "not", "in", "is", "if", "else"}
_OPERAND_END = {NAME, NUMBER, STRING}
_OPENING = {"(": ")", "[": "]", "{": "}"}


def translate_expression(text: str, loop_var: Callable[[], str] | None = None) -> str:
    """Jinja source for one oTree/Django expression (raises ExpressionError on bad characters)."""
    return render_tokens(translate_tokens(tokenize(text), loop_var))


def translate_tokens(tokens: list[Token], loop_var: Callable[[], str] | None = None) -> list[Token]:
    """Apply every rewrite, ternary included; returns tokens."""
    return _ternary(rewrite(tokens, loop_var))


def render_tokens(tokens: list[Token]) -> str:
    """Join tokens into source, with line breaks turned into spaces (the caller re-adds them)."""
    parts = []
    for token in tokens:
        parts.append(" " if token.kind == WS else token.text)
    return "".join(parts).strip()


def rewrite(tokens: list[Token], loop_var: Callable[[], str] | None = None) -> list[Token]:
    """All rewrites except the ternary operator, which needs the whole expression."""
    out: list[Token] = []
    i = 0
    n = len(tokens)
    while i < n:
        tok = tokens[i]
        nxt = _next_significant(tokens, i)
        prev = _prev_significant(out)
        if tok.is_op("||"):
            out.append(Token(NAME, " or "))
        elif tok.is_name("block") and _is_dot_name(tokens, nxt, "super") and not (prev and prev.is_op(".")):
            out.append(Token(NAME, "super()"))
            i = _next_significant(tokens, nxt + 1) + 1  # skip '.' and 'super'
            continue
        elif tok.is_name("forloop") and loop_var is not None and not (prev and prev.is_op(".")):
            out.append(Token(NAME, loop_var()))
        elif tok.is_op(":") and _is_filter_name(out):
            i = _filter_argument(tokens, i + 1, out)
            continue
        elif tok.is_name("is") and nxt < n and tokens[nxt].is_name("None", "True", "False"):
            out.append(tok)
            out.extend(tokens[i + 1 : nxt])
            out.append(Token(NAME, tokens[nxt].text.lower()))
            i = nxt + 1
            continue
        elif tok.is_name("is") and _is_not_constant(tokens, nxt):
            after = _next_significant(tokens, nxt + 1)
            out.append(Token(NAME, f"is not {tokens[after].text.lower()}"))
            i = after + 1
            continue
        elif tok.is_op(".") and nxt < n and tokens[nxt].kind == NAME and _followed_by_call(tokens, nxt):
            out.append(Token(STRING, f'["{METHOD_PREFIX}{tokens[nxt].text}"]'))
            i = nxt + 1
            continue
        else:
            out.append(tok)
        i += 1
    return out


def _next_significant(tokens: list[Token], i: int) -> int:
    """Index of the first non-whitespace token after position i (len(tokens) if none)."""
    j = i + 1
    while j < len(tokens) and tokens[j].kind == WS:
        j += 1
    return j


def _prev_significant(tokens: list[Token]) -> Token | None:
    for tok in reversed(tokens):
        if tok.kind != WS:
            return tok
    return None


def _is_dot_name(tokens: list[Token], i: int, name: str) -> bool:
    if i >= len(tokens) or not tokens[i].is_op("."):
        return False
    j = _next_significant(tokens, i)
    return j < len(tokens) and tokens[j].is_name(name)


def _is_not_constant(tokens: list[Token], i: int) -> bool:
    if i >= len(tokens) or not tokens[i].is_name("not"):
        return False
    j = _next_significant(tokens, i)
    return j < len(tokens) and tokens[j].is_name("None", "True", "False")


def _followed_by_call(tokens: list[Token], i: int) -> bool:
    j = _next_significant(tokens, i)
    return j < len(tokens) and tokens[j].is_op("(")


def _is_filter_name(out: list[Token]) -> bool:
    """True when the output so far ends in `| name` (so a ':' starts a Django filter argument)."""
    sig = [t for t in out if t.kind != WS]
    return len(sig) >= 2 and sig[-1].kind == NAME and sig[-2].is_op("|")


def _filter_argument(tokens: list[Token], i: int, out: list[Token]) -> int:
    """Turn Django's `:arg` into `(arg)`; returns the index after the argument."""
    arg: list[Token] = []
    if i < len(tokens) and tokens[i].is_op("-", "+"):
        arg.append(tokens[i])
        i += 1
    if i < len(tokens) and tokens[i].kind in (STRING, NUMBER):
        arg.append(tokens[i])
        i += 1
    elif i < len(tokens) and tokens[i].kind == NAME:
        # A variable, possibly dotted: `|default:player.name`, `|add:items.0`
        arg.append(tokens[i])
        i += 1
        while i + 1 < len(tokens) and tokens[i].is_op(".") and tokens[i + 1].kind in (NAME, NUMBER):
            arg.extend(tokens[i : i + 2])
            i += 2
    filter_name = _prev_significant(out)
    extra = ", true" if filter_name is not None and filter_name.text == "default" else ""
    out.append(Token(OP, "("))
    out.extend(rewrite(arg))
    out.append(Token(OP, extra + ")"))
    return i


def _ternary(tokens: list[Token]) -> list[Token]:
    """`test ?? x :: y` (top level, right-associative) -> `((x) if (test) else (y))`."""
    question = _find_top_level(tokens, "??")
    if question < 0:
        return tokens
    colon = _find_top_level(tokens, "::", question + 1)
    if colon < 0:
        text = render_tokens(tokens)
        raise ExpressionError(f"'??' without '::' in {text!r} (write: test ?? if_true :: if_false)")
    test, yes, no = tokens[:question], tokens[question + 1 : colon], _ternary(tokens[colon + 1 :])
    return [
        Token(OP, "(("),
        *yes,
        Token(OP, ") if ("),
        *test,
        Token(OP, ") else ("),
        *no,
        Token(OP, "))"),
    ]


def _find_top_level(tokens: list[Token], op: str, start: int = 0) -> int:
    depth = 0
    for i in range(start, len(tokens)):
        tok = tokens[i]
        if tok.kind == OP and tok.text in _OPENING:
            depth += 1
        elif tok.is_op(")", "]", "}"):
            depth -= 1
        elif depth == 0 and tok.is_op(op):
            return i
    return -1


# ---------------------------------------------------------------- tag arguments


def split_arguments(tokens: list[Token]) -> list[list[Token]]:
    """Split space-separated arguments (`'x' label="y"`, `'route' a b`) into token lists.

    A new argument starts where an operand follows an operand with no operator
    between them; top-level commas and '&' also separate.
    """
    args: list[list[Token]] = []
    current: list[Token] = []
    depth = 0
    last: Token | None = None
    for tok in tokens:
        if tok.kind == WS:
            if current:
                current.append(tok)
            continue
        if depth == 0 and tok.is_op(",", "&"):
            _push(args, current)
            current, last = [], None
            continue
        if depth == 0 and last is not None and _ends_operand(last) and _starts_operand(tok):
            _push(args, current)
            current = []
        if tok.kind == OP and tok.text in _OPENING:
            depth += 1
        elif tok.is_op(")", "]", "}"):
            depth -= 1
        current.append(tok)
        last = tok
    _push(args, current)
    return args


def _push(args: list[list[Token]], current: list[Token]) -> None:
    while current and current[-1].kind == WS:
        current.pop()
    if current:
        args.append(current)


def _ends_operand(tok: Token) -> bool:
    if tok.kind == NAME:
        return tok.text not in _KEYWORDS
    return tok.kind in _OPERAND_END or tok.is_op(")", "]", "}")


def _starts_operand(tok: Token) -> bool:
    if tok.kind == NAME:
        return tok.text not in _BINARY_WORDS
    return tok.kind in (NUMBER, STRING) or tok.is_op("{")


def keyword_argument(arg: list[Token]) -> tuple[str, list[Token]] | None:
    """(`name`, value tokens) when the argument is `name=value`, else None."""
    sig = significant(arg)
    if len(sig) >= 3 and sig[0].kind == NAME and sig[1].is_op("="):
        eq = arg.index(sig[1])
        return sig[0].text, arg[eq + 1 :]
    return None


def dotted_last_name(arg: list[Token]) -> str | None:
    """For `player.age` (names joined by dots) return 'age'; None for anything else."""
    sig = significant(arg)
    if len(sig) < 3 or len(sig) % 2 == 0:
        return None
    for k, tok in enumerate(sig):
        if k % 2 == 0 and tok.kind != NAME:
            return None
        if k % 2 == 1 and not tok.is_op("."):
            return None
    return sig[-1].text


def string_literal(arg: list[Token]) -> str | None:
    """The value of an argument that is a single string literal, else None."""
    sig = significant(arg)
    if len(sig) == 1 and sig[0].kind == STRING:
        return ast.literal_eval(sig[0].text)
    return None

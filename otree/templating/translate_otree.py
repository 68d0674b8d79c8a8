"""The oTree tags (both spellings): structure, inclusion, forms, buttons, chat, static, url, trans."""

from __future__ import annotations

import posixpath
import re

from .expressions import dotted_last_name, keyword_argument, render_tokens, split_arguments, string_literal
from .lexer import NAME, Token, significant
from .translate_base import IDENTIFIER, LOOP_VAR, TranslatorBase, jinja_string, pairs_source


class OtreeTags(TranslatorBase):
    """`tag_<name>(args)` returns the Jinja text for `{{ name args }}` / `{% name args %}`."""

    def tag_block(self, args: str) -> str:
        words = args.split()
        if not words or not IDENTIFIER.match(words[0]):
            raise self._error("'block' needs a name, e.g. {{ block content }}")
        self._first_node()
        # Jinja blocks only see loop/with variables around them when scoped; Django blocks always do.
        scoped = " scoped" if any(e.tag in ("for", "with") for e in self.stack) else ""
        self._push("block", "endblock")
        return f"{{% block {words[0]}{scoped} %}}"

    def tag_endblock(self, args: str) -> str:
        self._pop("endblock")
        name = args.split()[0] if args.split() else ""
        return f"{{% endblock {name} %}}" if IDENTIFIER.match(name) else "{% endblock %}"

    def tag_extends(self, args: str) -> str:
        if not args:
            raise self._error("'extends' needs a template name")
        if self.first_seen and self.base is not None:
            raise self._error("'extends' must be the first tag in a page template")
        self._first_node(is_extends=True)
        return "{% extends " + self._expr(args) + " %}"

    def tag_if(self, args: str) -> str:
        if not args:
            raise self._error("'if' needs a condition")
        self._first_node()
        self._push("if", "endif")
        return "{% if " + self._expr(args) + " %}"

    def tag_elif(self, args: str) -> str:
        top = self._top("elif", "if")
        if top.seen_else or not args:
            raise self._error("'elif' after 'else'" if args else "'elif' needs a condition")
        return "{% elif " + self._expr(args) + " %}"

    def tag_else(self, args: str) -> str:
        top = self._top("else", "if", "for")
        if top.seen_else:
            raise self._error(f"Second 'else' in '{top.tag}' opened on line {top.lineno}")
        top.seen_else = True
        return "{% else %}"

    def tag_endif(self, args: str) -> str:
        self._pop("endif")
        return "{% endif %}"


    def tag_for(self, args: str) -> str:
        tokens = self._tokens(args)
        split = next((k for k, t in enumerate(tokens) if t.is_name("in")), None)
        targets = significant(tokens[:split]) if split is not None else []
        if split is None or not targets or not all(t.kind == NAME or t.is_op(",") for t in targets):
            raise self._error("'for' must look like: for x in items  (or: for a, b in pairs)")
        iterable = tokens[split + 1 :]
        sig = significant(iterable)
        reverse = bool(sig) and sig[-1].is_name("reversed")
        if reverse:
            iterable = iterable[: iterable.index(sig[-1])]
        if not significant(iterable):
            raise self._error("'for' needs something to loop over")
        self._first_node()
        depth = 1 + sum(1 for e in self.stack if e.tag == "for")
        self._push("for", "endfor", depth=depth)
        source = self._arg(iterable)
        if reverse:
            source = f"({source})|reverse|list"
        names = ", ".join(t.text for t in targets if t.kind == NAME)
        return f"{{% for {names} in {source} %}}"

    def tag_empty(self, args: str) -> str:
        self._top("empty", "for")
        return self.tag_else(args)

    def tag_endfor(self, args: str) -> str:
        entry = self._pop("endfor")
        if entry.needs_loop_var:
            # A nested `forloop.parentloop` needs this loop under a name of its own.
            self.out[entry.out_index] += "{% set " + LOOP_VAR.format(entry.depth) + " = loop %}"
        return "{% endfor %}"

    def _assignments(self, args: str) -> list[tuple[str, str]]:
        """`x = expr`, `a=1 b=2` (Django) or `expr as x` (old Django) as (name, Jinja expr) pairs."""
        parts = split_arguments(self._tokens(args))
        if len(parts) == 2 and significant(parts[1])[0].is_name("as"):
            target = significant(parts[1])[1:]
            if len(target) != 1 or target[0].kind != NAME:
                raise self._error("Expected: with value as name")
            return [(target[0].text, self._arg(parts[0]))]
        pairs = []
        for part in parts:
            if significant(part)[0].is_name("with"):
                part = part[part.index(significant(part)[0]) + 1 :]
            kw = keyword_argument(part)
            if kw is None:
                raise self._error(f"Expected name=value, got {render_tokens(part)!r}")
            pairs.append((kw[0], self._arg(kw[1])))
        return pairs

    def tag_with(self, args: str) -> str:
        pairs = self._assignments(args)
        if not pairs:
            raise self._error("'with' needs an assignment, e.g. {{ with x = player.payoff }}")
        self._first_node()
        self._push("with", "endwith")
        return "{% with " + pairs_source(pairs) + " %}"

    def tag_endwith(self, args: str) -> str:
        self._pop("endwith")
        return "{% endwith %}"

    # inclusion

    def tag_include(self, args: str) -> str:
        parts = split_arguments(self._tokens(args))
        if not parts:
            raise self._error("'include' needs a template name")
        flags, pairs = [], []
        for part in parts[1:]:
            sig = significant(part)
            if len(sig) == 1 and sig[0].is_name("only", "ignore", "missing"):
                flags.append(sig[0].text)
                continue
            if sig[0].is_name("with"):
                part = part[part.index(sig[0]) + 1 :]
                if not significant(part):
                    continue
            kw = keyword_argument(part)
            if kw is None:
                raise self._error(f"Unexpected {render_tokens(part)!r} in 'include'")
            pairs.append((kw[0], self._arg(kw[1])))
        self._content()
        return self._include(self._arg(parts[0]), pairs, flags)

    def _include(self, target: str, pairs: list[tuple[str, str]], flags: list[str]) -> str:
        options = " ignore missing" if "ignore" in flags else ""
        if "only" in flags and not pairs:
            options += " without context"
        text = f"{{% include {target}{options} %}}"
        if pairs:
            # Jinja's include has no `with`; variables set around it are visible inside.
            text = "{% with " + pairs_source(pairs) + " %}" + text + "{% endwith %}"
        return text

    def tag_include_sibling(self, args: str) -> str:
        tokens = self._tokens(args)
        folder = posixpath.dirname(self.name)
        literal = string_literal(tokens)
        self._content()
        if literal is not None:
            return self._include(jinja_string(posixpath.normpath(posixpath.join(folder, literal))), [], [])
        target = self._arg(tokens)
        return self._include(f"{jinja_string(folder + '/')} ~ ({target})" if folder else target, [], [])

    # no-ops

    def tag_load(self, args: str) -> str:
        return ""

    def tag_csrf_token(self, args: str) -> str:
        return ""  # participant forms carry no CSRF token (as in oTree)

    # helpers that print something

    def _call(self, func: str, args: str, allowed: tuple[str, ...] | None = None, positional: int = -1) -> str:
        """`{{ func(args...) }}`, or `{% set var = func(...) %}` with a trailing `as var`."""
        parts = split_arguments(self._tokens(args))
        target = None
        if parts and significant(parts[-1])[0].is_name("as"):
            names = significant(parts.pop())[1:]
            if len(names) != 1 or names[0].kind != NAME:
                raise self._error("Expected: ... as name")
            target = names[0].text
        values, given = [], 0
        for part in parts:
            kw = keyword_argument(part)
            if kw is not None:
                if allowed is not None and kw[0] not in allowed:
                    raise self._error(f"Unknown argument {kw[0]!r} (allowed: {', '.join(allowed) or 'none'})")
                values.append(f"{kw[0]}=({self._arg(kw[1])})")
            else:
                values.append(self._arg(part))
                given += 1
        if positional >= 0 and given != positional:
            raise self._error(f"Expected {positional} positional argument(s), got {args!r}")
        call = f"{func}({', '.join(values)})"
        if target:
            self._first_node()
            return f"{{% set {target} = {call} %}}"
        self._content()
        return "{{ " + call + " }}"

    def tag_static(self, args: str) -> str:
        return self._call("static_url", args, positional=1)

    def tag_url(self, args: str) -> str:
        return self._call("url_for", args)

    def tag_trans(self, args: str) -> str:
        # `noop` and `context "..."` only matter for real translation catalogs.
        args = re.sub(r"\s+noop\b|\s+context\s+(\"[^\"]*\"|'[^']*')", "", args)
        return self._call("_otree_gettext", args, positional=1)

    tag_translate = tag_trans

    def tag_blocktrans(self, args: str) -> str:
        parts = split_arguments(self._tokens(args))
        pairs, count, counting = [], None, False
        for part in parts:
            sig = significant(part)
            if len(sig) == 1 and sig[0].is_name("trimmed", "with", "count"):
                counting = counting or sig[0].text == "count"
                continue
            if sig[0].is_name("with"):
                part = part[part.index(sig[0]) + 1 :]
            kw = keyword_argument(part)
            if kw is None:
                raise self._error(f"Unsupported blocktrans option {render_tokens(part)!r}")
            pairs.append((kw[0], self._arg(kw[1])))
            if counting and count is None:
                count = kw[0]
        self._first_node()
        opening = "{% with " + pairs_source(pairs) + " %}" if pairs else ""
        closing = "{% endwith %}" if pairs else ""
        if count:
            opening += f"{{% if {count} == 1 %}}"
            closing = "{% endif %}" + closing
        self._push("blocktrans", "endblocktrans", "endblocktranslate", has_count=bool(count), close_text=closing)
        return opening

    tag_blocktranslate = tag_blocktrans

    def tag_plural(self, args: str) -> str:
        top = self._top("plural", "blocktrans")
        if not top.has_count:
            raise self._error("'plural' needs {% blocktrans count n=... %}")
        return "{% else %}"

    def tag_endblocktrans(self, args: str) -> str:
        return self._pop("endblocktrans").close_text

    def tag_endblocktranslate(self, args: str) -> str:
        return self._pop("endblocktranslate").close_text

    def tag_next_button(self, args: str) -> str:
        return self._call("_otree_next_button", args, allowed=())

    def tag_back_button(self, args: str) -> str:
        return self._call("_otree_back_button", args, allowed=())

    def tag_formfields(self, args: str) -> str:
        return self._call("_otree_formfields", args, allowed=())

    def _field(self, args: str, tag: str) -> tuple[str, list[list[Token]]]:
        """The field name (Jinja source) and the remaining arguments of formfield tags."""
        parts = split_arguments(self._tokens(args))
        if not parts:
            raise self._error(f"'{tag}' needs a field name, e.g. {{{{ {tag} 'age' }}}}")
        first, rest = parts[0], parts[1:]
        name = dotted_last_name(first)  # legacy {% formfield player.age %}
        source = jinja_string(name) if name is not None else self._arg(first)
        if rest and significant(rest[0])[0].is_name("with"):  # oTree 1.x: formfield x with label=...
            rest[0] = rest[0][rest[0].index(significant(rest[0])[0]) + 1 :]
        return source, [r for r in rest if significant(r)]

    def tag_formfield(self, args: str) -> str:
        field_source, rest = self._field(args, "formfield")
        values = [field_source]
        for part in rest:
            kw = keyword_argument(part)
            if kw is None or kw[0] != "label":
                raise self._error(f"'formfield' accepts only label=..., got {render_tokens(part)!r}")
            values.append(f"label=({self._arg(kw[1])})")
        self._content()
        return "{{ _otree_formfield(" + ", ".join(values) + ") }}"

    def tag_formfield_errors(self, args: str) -> str:
        field_source, rest = self._field(args, "formfield_errors")
        if rest:
            raise self._error("'formfield_errors' takes only a field name")
        self._content()
        return "{{ _otree_formfield_errors(" + field_source + ") }}"

    def tag_chat(self, args: str) -> str:
        return self._call("_otree_chat", args, allowed=("channel", "nickname"), positional=0)


"""Tags only found in Django-era templates, plus the Jinja tags people may write, in {% %}."""

from __future__ import annotations

import re

from .expressions import METHOD_PREFIX, render_tokens, rewrite, split_arguments
from .translate_base import LITERALS, TranslatorBase, jinja_string


class DjangoTags(TranslatorBase):
    """ifequal, cycle, firstof, templatetag, autoescape, spaceless, filter; Jinja's set, macro, call, ..."""

    def _if_equal(self, args: str, op: str, closer: str) -> str:
        parts = split_arguments(self._tokens(args))
        if len(parts) != 2:
            raise self._error(f"'{closer[3:]}' needs two values")
        self._first_node()
        self._push("if", closer)
        return f"{{% if ({self._arg(parts[0])}) {op} ({self._arg(parts[1])}) %}}"

    def tag_ifequal(self, args: str) -> str:
        return self._if_equal(args, "==", "endifequal")

    def tag_ifnotequal(self, args: str) -> str:
        return self._if_equal(args, "!=", "endifnotequal")

    def tag_endifequal(self, args: str) -> str:
        self._pop("endifequal")
        return "{% endif %}"

    def tag_endifnotequal(self, args: str) -> str:
        self._pop("endifnotequal")
        return "{% endif %}"


    def tag_templatetag(self, args: str) -> str:
        if args not in LITERALS:
            raise self._error(f"Unknown templatetag {args!r}")
        self._content()
        return "{{ " + jinja_string(LITERALS[args]) + " }}"

    def tag_cycle(self, args: str) -> str:
        if not any(e.tag == "for" for e in self.stack):
            raise self._error("'cycle' outside of a for loop")
        parts = split_arguments(self._tokens(args))
        self._content()
        method = "loop[" + jinja_string(METHOD_PREFIX + "cycle") + "]"
        return "{{ " + method + "(" + ", ".join(self._arg(p) for p in parts) + ") }}"

    def tag_firstof(self, args: str) -> str:
        parts = split_arguments(self._tokens(args))
        if not parts:
            raise self._error("'firstof' needs values")
        self._content()
        return "{{ " + " or ".join(f"({self._arg(p)})" for p in parts) + " }}"

    def tag_widthratio(self, args: str) -> str:
        """{% widthratio value max_value max_width [as name] %}: value / max_value * max_width, rounded."""
        target = None
        named = re.match(r"^(.*)\s+as\s+([A-Za-z_][A-Za-z0-9_]*)\s*$", args, re.S)
        if named:
            args, target = named.group(1), named.group(2)
        parts = split_arguments(self._tokens(args))
        if len(parts) != 3:
            raise self._error("'widthratio' takes three values (value, max value, width), optionally 'as name'")
        call = "_otree_widthratio(" + ", ".join(self._arg(p) for p in parts) + ")"
        if target is not None:
            return "{% set " + target + " = " + call + " %}"
        self._content()
        return "{{ " + call + " }}"

    # Django / Jinja block tags

    def tag_autoescape(self, args: str) -> str:
        mode = {"on": "true", "off": "false", "true": "true", "false": "false"}.get(args.lower())
        if mode is None:
            raise self._error("'autoescape' takes on or off")
        self._first_node()
        self._push("autoescape", "endautoescape")
        return f"{{% autoescape {mode} %}}"

    def tag_endautoescape(self, args: str) -> str:
        self._pop("endautoescape")
        return "{% endautoescape %}"

    def tag_spaceless(self, args: str) -> str:
        self._first_node()
        self._push("spaceless", "endspaceless")
        return "{% filter _otree_spaceless %}"

    def tag_endspaceless(self, args: str) -> str:
        self._pop("endspaceless")
        return "{% endfilter %}"

    def tag_filter(self, args: str) -> str:
        self._first_node()
        self._push("filter", "endfilter")
        return "{% filter " + render_tokens(rewrite(self._tokens(args))) + " %}"

    def tag_endfilter(self, args: str) -> str:
        self._pop("endfilter")
        return "{% endfilter %}"

    def tag_set(self, args: str) -> str:
        tokens = self._tokens(args)
        eq = next((k for k, t in enumerate(tokens) if t.is_op("=")), None)
        self._first_node()
        if eq is None:  # block assignment: {% set x %}...{% endset %}
            self._push("set", "endset")
            return "{% set " + render_tokens(tokens) + " %}"
        return "{% set " + render_tokens(tokens[:eq]) + " = " + self._arg(tokens[eq + 1 :]) + " %}"

    def tag_endset(self, args: str) -> str:
        self._pop("endset")
        return "{% endset %}"

    def _jinja_passthrough(self, tag: str, args: str) -> str:
        self._first_node()
        return f"{{% {tag} {render_tokens(rewrite(self._tokens(args)))} %}}"

    def tag_macro(self, args: str) -> str:
        text = self._jinja_passthrough("macro", args)
        self._push("macro", "endmacro")
        return text

    def tag_endmacro(self, args: str) -> str:
        self._pop("endmacro")
        return "{% endmacro %}"

    def tag_call(self, args: str) -> str:
        self._content()
        text = self._jinja_passthrough("call", args)
        self._push("call", "endcall")
        return text

    def tag_endcall(self, args: str) -> str:
        self._pop("endcall")
        return "{% endcall %}"

    def tag_import(self, args: str) -> str:
        return self._jinja_passthrough("import", args)

    def tag_from(self, args: str) -> str:
        return self._jinja_passthrough("from", args)

    def tag_break(self, args: str) -> str:
        if not any(e.tag == "for" for e in self.stack):
            raise self._error("'break' outside of a for loop")
        return "{% break %}"

    def tag_continue(self, args: str) -> str:
        if not any(e.tag == "for" for e in self.stack):
            raise self._error("'continue' outside of a for loop")
        return "{% continue %}"


"""The YAML front matter of a Markdown article, read strictly (imported on first use: PyYAML is slow to import)."""

from __future__ import annotations

import re
from typing import Any

import yaml


class FrontMatterError(ValueError):
    """Front matter that is no plain YAML mapping; the message completes "front matter ..."."""


def load_front_matter(front: str) -> Any:
    """The YAML value of `front`, refusing anchors, aliases, tags and deep nesting."""
    try:
        _refuse_yaml_tricks(front)
        return yaml.load(front, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader, checked above
    except _Refused as exc:
        raise FrontMatterError(str(exc)) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" at line {mark.line + 2}, column {mark.column + 1}" if mark else ""
        raise FrontMatterError(f"is not valid YAML{where}: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise FrontMatterError(f"is not valid YAML: {exc}") from None
    except RecursionError:
        raise FrontMatterError("is nested too deeply to be front matter") from None


class _Refused(yaml.YAMLError):
    pass


# libyaml when present: ~10x faster than the pure-Python parser (about 55 us
# against 340 us for one front matter), which matters for thousands of files.
_SafeBase: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Front matter is one flat mapping; a few levels leave room for lists of
# values, and the cap keeps deep nesting away from the (recursive) composer.
_MAX_YAML_DEPTH = 8


class _StrictLoader(_SafeBase):  # type: ignore[misc, valid-type]
    """SafeLoader with few implicit types and no duplicate keys.

    Anchors, aliases and tags are refused before this loader runs, by
    `_refuse_yaml_tricks`, which sees the parser's events.
    """

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        keys = [k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode)]
        for key in keys:
            if keys.count(key) > 1:
                raise _Refused(f"field {key!r} appears more than once: keep one")
        return super().construct_mapping(node, deep=deep)


# Dates stay strings (checked by _parse_date, which reports 2016-13-01 as a
# Problem instead of crashing the constructor); YAML 1.1's yes/no/on/off are
# not booleans, so a title such as "No" stays text.
_StrictLoader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _refuse_yaml_tricks(front: str) -> None:
    """Raise _Refused on any anchor, alias, explicit tag or deep nesting.

    Works on parser events, before any node is composed, so an alias bomb is
    never expanded and a `!!python/...` tag never reaches a constructor.
    """
    depth = 0
    for event in yaml.parse(front, Loader=_StrictLoader):
        line = event.start_mark.line + 2 if event.start_mark else "?"  # +1 for the opening '---'
        if isinstance(event, yaml.AliasEvent):
            raise _Refused(
                f"uses a YAML alias (*{event.anchor}) on line {line}; aliases are not allowed: write the value out"
            )
        if getattr(event, "anchor", None) is not None:
            raise _Refused(
                f"uses a YAML anchor (&{event.anchor}) on line {line}; anchors are not allowed: write the value out"
            )
        tag = getattr(event, "tag", None)
        if tag is not None:
            raise _Refused(
                f"uses the YAML tag {tag!r} on line {line}; tags are not allowed: write a plain value"
            )
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > _MAX_YAML_DEPTH:
                raise _Refused(
                    f"is nested more than {_MAX_YAML_DEPTH} levels deep (line {line}): write plain values"
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1

"""Read YAML and remember the line of every key and value.

NGO editors need ``path:line`` for every problem, and PyYAML's ``safe_load``
forgets lines and silently keeps the last of two duplicate keys. Composing the
node tree ourselves gives both: values with a line map, and duplicates reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.content.problems import Problem

__all__ = ["YamlDocument", "read_yaml"]

# libyaml's C parser when PyYAML was built with it: same nodes and line marks,
# several times faster on thousands of examples.
_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Loc = tuple[str | int, ...]


@dataclass
class YamlDocument:
    """Parsed YAML plus the 1-based line of every location in it."""

    path: Path
    data: Any
    lines: dict[Loc, int] = field(default_factory=dict)
    # Locations whose value is a '|' or '>' block: its text starts on the next line.
    blocks: set[Loc] = field(default_factory=set)

    def line(self, loc: Loc) -> int:
        """Line of ``loc`` or of its nearest parent that has one."""
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get((), 1)


def read_yaml(path: Path, display: str) -> tuple[YamlDocument | None, list[Problem]]:
    """Load ``path``; a syntax error becomes a Problem with its line, never a traceback."""
    problems: list[Problem] = []
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, [Problem.at(display, 1, f"not UTF-8 text ({exc.reason}); save as UTF-8")]
    except OSError as exc:
        return None, [Problem.at(display, 1, f"cannot read file: {exc.strerror}")]
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        what = exc.problem or "YAML syntax error"
        hint = " (check the indentation and that text with ':' or '#' is in quotes)"
        return None, [Problem.at(display, line, f"broken YAML: {what}{hint}")]
    except yaml.YAMLError as exc:
        return None, [Problem.at(display, 1, f"broken YAML: {exc}")]
    doc = YamlDocument(path=path, data=None)
    if node is None:
        doc.data = None
        return doc, problems
    doc.data = _convert(node, (), doc, problems, display)
    return doc, problems


def _convert(node: yaml.Node, loc: Loc, doc: YamlDocument, problems: list[Problem],
             display: str) -> Any:
    doc.lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node)
            if isinstance(key, (list, dict)):
                problems.append(Problem.at(display, key_node.start_mark.line + 1,
                                           "a key must be a plain word"))
                continue
            if key in out:
                problems.append(Problem.at(
                    display, key_node.start_mark.line + 1,
                    f"duplicate key '{key}' (first on line {doc.lines.get((*loc, key), '?')})"))
                continue
            child: Loc = (*loc, key)
            doc.lines[child] = key_node.start_mark.line + 1
            out[key] = _convert(value_node, child, doc, problems, display)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, (*loc, i), doc, problems, display)
                for i, item in enumerate(node.value)]
    if isinstance(node, yaml.ScalarNode) and node.style in ("|", ">"):
        doc.blocks.add(loc)
    return _scalar(node)


def _scalar(node: yaml.Node) -> Any:
    """Build a scalar (str, int, date...) the way ``safe_load`` would."""
    constructor = yaml.constructor.SafeConstructor()
    return constructor.construct_object(node, deep=True)

"""YAML loading that remembers where every key stands.

`load_yaml` returns the plain Python data (as `yaml.safe_load` would) together with a map from
key path (a tuple of keys and list indices) to the 1-based line where that key or item starts,
so that schema errors can name file, line and key. Duplicate keys, which YAML would silently
collapse to the last one, are reported as problems.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from planner.errors import InputError, Problem, display_path

KeyPath = tuple[Any, ...]
LineMap = dict[KeyPath, int]
PARSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser when PyYAML has it (about 8x faster; its nodes carry the same line marks)."""


_PARSED: dict[tuple[str, int, int], tuple[Any, LineMap]] = {}
"""Files parsed in this process, by (path, modification time, size): a run reads each file once,
and a batch reads each once for all its runs."""


def load_yaml(path: Path) -> tuple[Any, LineMap]:
    """Read a YAML file; return (data, line map). Raise InputError on syntax or duplicate keys.
    The data is the caller's own copy (callers merge into it)."""
    name = display_path(path)
    try:
        st = path.stat()
        key = (str(path.resolve()), st.st_mtime_ns, st.st_size)
        if key not in _PARSED:
            if len(_PARSED) > 512:
                _PARSED.clear()
            _PARSED[key] = parse_yaml(path.read_text(encoding="utf-8"), name)
    except OSError as exc:
        raise InputError([Problem(name, None, "", f"cannot read file: {exc.strerror}")]) from exc
    data, lines = _PARSED[key]
    return copy.deepcopy(data), lines


def parse_yaml(text: str, name: str) -> tuple[Any, LineMap]:
    """Parse YAML text (named `name` in messages); see `load_yaml`."""
    try:
        root = yaml.compose(text, Loader=PARSER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise InputError([Problem(name, line, "", f"YAML syntax error: {exc.problem}")]) from exc
    if root is None:
        return None, {(): 1}
    lines: LineMap = {(): root.start_mark.line + 1}
    problems: list[Problem] = []
    constructor = yaml.SafeLoader("")
    try:
        data = _convert(root, (), lines, problems, name, constructor)
    except yaml.MarkedYAMLError as exc:   # e.g. a tag a safe loader does not construct
        mark = exc.problem_mark or exc.context_mark
        raise InputError([Problem(name, mark.line + 1 if mark else None, "", f"YAML error: {exc.problem}")]) from None
    if problems:
        raise InputError(problems)
    return data, lines


def _convert(
    node: yaml.Node,
    path: KeyPath,
    lines: LineMap,
    problems: list[Problem],
    name: str,
    constructor: yaml.SafeLoader,
) -> Any:
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = constructor.construct_object(key_node, deep=True)
            if isinstance(key, (list, dict)):
                problems.append(Problem(name, key_node.start_mark.line + 1, dotted(path),
                                        "a key must be a plain value"))
                continue
            sub = (*path, key)
            if key in out:
                problems.append(
                    Problem(name, key_node.start_mark.line + 1, dotted(sub),
                            f"duplicate key (first given on line {lines[sub]})")
                )
                continue
            lines[sub] = key_node.start_mark.line + 1
            out[key] = _convert(value_node, sub, lines, problems, name, constructor)
        return out
    if isinstance(node, yaml.SequenceNode):
        items = []
        for i, item in enumerate(node.value):
            sub = (*path, i)
            lines[sub] = item.start_mark.line + 1
            items.append(_convert(item, sub, lines, problems, name, constructor))
        return items
    return constructor.construct_object(node, deep=True)


def dotted(path: KeyPath) -> str:
    """A key path as the user reads it: ``technologies.kiln.capex.2030`` or ``retrofits.0.to``."""
    return ".".join(str(p) for p in path)


def line_of(lines: LineMap, path: KeyPath) -> int | None:
    """Line of the deepest prefix of `path` present in the file (the key the user must look at)."""
    for n in range(len(path), -1, -1):
        key = tuple(path[:n])
        if key in lines:
            return lines[key]
        # YAML keys may be ints (years) while pydantic reports them as strings, or the reverse.
        alt = tuple(_as_int(p) for p in key)
        if alt in lines:
            return lines[alt]
    return None


def _as_int(p: Any) -> Any:
    if isinstance(p, str) and p.lstrip("-").isdigit():
        return int(p)
    return p

"""YAML loading that remembers where every key stands.

`load_yaml` returns the plain Python data (as `yaml.safe_load` would) together with a map from
key path (a tuple of keys and list indices) to the 1-based line where that key or item starts,
so that schema errors can name file, line and key. Reported as problems, with their line:
  - duplicate keys (YAML would keep the last), also when they differ only in type (`2030` and
    `'2030'` are the same year once validated);
  - an empty value (`budget:` with nothing after it): write `null` to mean none (in a scenario,
    `null` drops what the parent sets), or remove the key to keep it;
  - numbers that are not finite (`.inf`, `.nan`) or larger in magnitude than MAX_MAGNITUDE;
  - a file that expands, through aliases, to more than MAX_NODES values, and recursive aliases.
"""

from __future__ import annotations

import copy
import math
from pathlib import Path
from typing import Any

import yaml

from planner.errors import InputError, Problem, display_path

KeyPath = tuple[Any, ...]
LineMap = dict[KeyPath, int]
PARSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser when PyYAML has it (about 8x faster; its nodes carry the same line marks)."""


MAX_MAGNITUDE = 1.0e9
"""Largest magnitude of a number in any input file. The largest shipped figure is 3e5 (shipping's
sea freight in bn tkm); HiGHS reads 1e20 as infinite and loses its tolerances on coefficients far
apart, so a number beyond 1e9 in these units is a typo or a unit error, not a plan."""

MAX_BYTES = 20_000_000
"""Largest input file (bytes): the largest shipped file is about 100 kB."""

MAX_NODES = 1_000_000
"""Most values (keys, items, scalars) a file may expand to. The largest shipped file holds about
40,000; a few lines of nested aliases (a "billion laughs") would otherwise expand to gigabytes."""


_PARSED: dict[tuple[str, int, int], tuple[Any, LineMap]] = {}
"""Files parsed in this process, by (path, modification time, size): a run reads each file once,
and a batch reads each once for all its runs."""


def load_yaml(path: Path) -> tuple[Any, LineMap]:
    """Read a YAML file; return (data, line map). Raise InputError on syntax or duplicate keys.
    The data is the caller's own copy (callers merge into it)."""
    name = display_path(path)
    try:
        st = path.stat()
        if st.st_size > MAX_BYTES:
            raise InputError([Problem(name, None, "", f"{st.st_size:,} bytes: larger than any input file may be "
                                                      f"({MAX_BYTES:,}; see MAX_BYTES)")])
        key = (str(path.resolve()), st.st_mtime_ns, st.st_size)
        if key not in _PARSED:
            if len(_PARSED) > 512:
                _PARSED.clear()
            _PARSED[key] = parse_yaml(path.read_text(encoding="utf-8"), name)
    except OSError as exc:
        raise InputError([Problem(name, None, "", f"cannot read file: {exc.strerror}")]) from exc
    except UnicodeDecodeError as exc:
        raise InputError([Problem(name, None, "", f"not UTF-8 text (byte {exc.start}: {exc.reason})")]) from None
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
    except yaml.reader.ReaderError as exc:   # a character YAML does not allow (control characters)
        line = text[:exc.position].count("\n") + 1
        raise InputError([Problem(name, line, "", f"YAML syntax error: {exc.reason} (character "
                                                  f"#x{exc.character:04x})")]) from None
    if root is None:
        return None, {(): 1}
    lines: LineMap = {(): root.start_mark.line + 1}
    problems: list[Problem] = []
    walk = _Walk(name, constructor=yaml.SafeLoader(""), problems=problems, lines=lines)
    try:
        data = walk.convert(root, ())
    except yaml.MarkedYAMLError as exc:   # e.g. a tag a safe loader does not construct
        mark = exc.problem_mark or exc.context_mark
        raise InputError([Problem(name, mark.line + 1 if mark else None, "", f"YAML error: {exc.problem}")]) from None
    except _TooLarge as exc:
        raise InputError([Problem(name, exc.node.start_mark.line + 1, "", f"the file expands to more than "
                                  f"{MAX_NODES:,} values (through aliases); see MAX_NODES")]) from None
    if problems:
        raise InputError(problems)
    return data, lines


class _Walk:
    """Node graph -> plain data, with line marks and the problems of the module docstring."""

    def __init__(self, name: str, constructor: yaml.SafeLoader, problems: list[Problem], lines: LineMap) -> None:
        self.name, self.constructor, self.problems, self.lines = name, constructor, problems, lines
        self.nodes = 0
        self.open: set[int] = set()   # nodes being converted (an alias back to one is recursive)

    def problem(self, node: yaml.Node, path: KeyPath, message: str) -> None:
        self.problems.append(Problem(self.name, node.start_mark.line + 1, dotted(path), message))

    def convert(self, node: yaml.Node, path: KeyPath) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _TooLarge(node)
        if id(node) in self.open:
            self.problem(node, path, "recursive alias (the value contains itself)")
            return None
        self.open.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, path)
            if isinstance(node, yaml.SequenceNode):
                items = []
                for i, item in enumerate(node.value):
                    sub = (*path, i)
                    self.lines[sub] = item.start_mark.line + 1
                    items.append(self.convert(item, sub))
                return items
            return self._scalar(node, path)
        finally:
            self.open.discard(id(node))

    def _mapping(self, node: yaml.MappingNode, path: KeyPath) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        seen: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.problem(key_node, path, "merge keys ('<<') are not supported: write the keys out")
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.problem(key_node, path, "a key must be a plain value")
                continue
            key = self.constructor.construct_object(key_node, deep=True)
            sub = (*path, key)
            same = _same_key(key)
            if same in seen:
                first = self.lines[(*path, seen[same])]
                self.problem(key_node, sub, f"duplicate key (first given on line {first})")
                continue
            self._check_number(key_node, sub, key)
            seen[same] = key
            self.lines[sub] = key_node.start_mark.line + 1
            if isinstance(value_node, yaml.ScalarNode) and value_node.value == "" and not value_node.style \
                    and value_node.tag == "tag:yaml.org,2002:null":
                self.problem(key_node, sub, "no value given: write `null` to mean none (in a scenario it drops "
                             "what the parent sets), or remove the key")
                continue
            out[key] = self.convert(value_node, sub)
        return out

    def _scalar(self, node: yaml.Node, path: KeyPath) -> Any:
        value = self.constructor.construct_object(node, deep=True)
        self._check_number(node, path, value)
        return value

    def _check_number(self, node: yaml.Node, path: KeyPath, value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return
        if isinstance(value, float) and not math.isfinite(value):
            self.problem(node, path, f"{node.value} is not a finite number")
        elif abs(value) > MAX_MAGNITUDE:
            self.problem(node, path, f"{node.value} is beyond the largest magnitude a file may hold "
                         f"({MAX_MAGNITUDE:.0e}; a unit or typing error)")


class _TooLarge(Exception):
    def __init__(self, node: yaml.Node) -> None:
        self.node = node


def _same_key(key: Any) -> Any:
    """The key as validation will read it: `2030`, `'2030'` and `2030.0` are one year."""
    if isinstance(key, bool):
        return key
    if isinstance(key, float) and key.is_integer():
        return int(key)
    if isinstance(key, str) and key.strip().lstrip("-").isdigit():
        return int(key)
    return key


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

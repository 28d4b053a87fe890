"""Hand encodings: a derivation written as YAML, each step in the encoding language.

Format (``docs/FORMAT.md`` has the full description)::

    title: Softmax regression gradient (seed 000)
    source: seeds/000_561a27f6dc100100.txt
    notation: {sizes: ..., indices: ..., symbols: ..., definitions: ...}
    chains:
      - name: main
        where: ["k != j"]            # optional: conditions on the free indices
        notation: {...}              # optional: additions to the document's notation
        steps:
          - line: 1                  # line in the source
            label: "(1)"
            latex: '\\nabla_{w_k} L(W)'
            expr: "D(L(W), w[k])"
            note: "Apply chain rule"            # optional
            subclaims:                          # optional: \\underbrace{...}_{=0}
              - {latex: '...', lhs: "...", rhs: "0"}
          - line: 4
            latex: '...'
            unparsed: "OCR garbage: 'kerd' is not a symbol"   # instead of expr

A step whose expression is malformed or uses an undeclared name becomes ``unparsed`` with the
message (file, line, label); the rest of the document is still read and checked.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from verify.core.errors import InputError, Location
from verify.core.limits import DOCUMENT_STEPS, ENCODING_FILE_BYTES, YAML_NESTING
from verify.model.document import Chain, Document, Step, SubClaim
from verify.model.notation import DEFAULT_SIZES, Notation
from verify.read.dsl import Scope, parse_condition, parse_expression
from verify.read.notation import parse_notation

_STEP_KEYS = {"line", "label", "latex", "expr", "unparsed", "note", "subclaims", "__line__"}
_CHAIN_KEYS = {"name", "where", "notation", "steps", "note", "__line__"}
_DOC_KEYS = {"title", "source", "notation", "chains", "__line__"}


# The YAML types a derivation is written in; an explicit tag for any other (``!!set``,
# ``!!binary``, ``!!omap``, a local ``!thing``) is refused, as it would reach code that expects
# these.  A date (``2024-01-01``, resolved implicitly) is kept: it is read as its text.
_PLAIN_TAGS = frozenset("tag:yaml.org,2002:" + name for name in
                        ("null", "bool", "int", "float", "str", "seq", "map", "timestamp"))


class SafeLineLoader(yaml.SafeLoader):
    """Safe YAML loader that records each mapping's line as ``__line__`` (1-based), refuses
    aliases (a few kilobytes of nested aliases expand to gigabytes, an alias bomb, and no
    derivation needs them), tags other than the plain types, and collections nested deeper
    than ``YAML_NESTING`` (the composer recurses per level).  Every YAML text we read, headers,
    encodings and assignments alike, is read with it (:func:`load_yaml`)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent):
            raise _refusal("YAML aliases (*name) are not allowed", event.start_mark)
        if self.depth >= YAML_NESTING:
            raise _refusal(f"YAML nested deeper than {YAML_NESTING} levels", event.start_mark)
        self.depth += 1
        try:
            node = super().compose_node(parent, index)
        finally:
            self.depth -= 1
        if node is not None and node.tag not in _PLAIN_TAGS:
            raise _refusal(f"the YAML tag {node.tag.replace('tag:yaml.org,2002:', '!!')} is "
                           "not allowed (only plain mappings, lists, strings, numbers and "
                           "booleans)", node.start_mark)
        return node  # type: ignore[no-any-return]


def _refusal(problem: str, mark: Any) -> yaml.composer.ComposerError:
    """A refusal at ``mark`` (the stubs type a node's marks as one of two Mark classes)."""
    return yaml.composer.ComposerError(None, None, problem, mark)


def _construct_mapping(loader: SafeLineLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


SafeLineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def strip_line_marks(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: strip_line_marks(v) for k, v in value.items() if k != "__line__"}
    if isinstance(value, list):
        return [strip_line_marks(v) for v in value]
    return value


def load_yaml(text: str, path: str, first_line: int = 1) -> Any:
    """``text`` (which starts on line ``first_line`` of ``path``) read with
    :class:`SafeLineLoader`; any problem is an :class:`InputError` at its line."""
    try:
        return yaml.load(text, Loader=SafeLineLoader)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = first_line + mark.line if mark is not None else 0
        raise InputError(f"malformed YAML: {getattr(err, 'problem', err)}",
                         Location(path, line)) from None
    except (ValueError, OverflowError) as err:
        # PyYAML's own scalar constructors raise these on some malformed scalars
        # ('0x_' as an int); the text is still the user's mistake, never ours.
        raise InputError(f"malformed YAML: a value that cannot be read ({err})",
                         Location(path, first_line)) from None


def read_encoding(path: Path, display_path: str | None = None) -> Document:
    """Read one encoded derivation; input errors are attached to the steps they concern."""
    shown = display_path or str(path)
    try:
        data = path.read_bytes()
        if len(data) > ENCODING_FILE_BYTES:
            raise InputError(f"file larger than {ENCODING_FILE_BYTES} bytes", Location(shown))
        raw = load_yaml(data.decode("utf-8"), shown)
    except (InputError, UnicodeDecodeError, OSError) as err:
        return Document(shown, path.stem, _empty_notation(), (), problems=(str(err),))
    return encoding_from_mapping(raw, shown)


def _empty_notation() -> Notation:
    return Notation(dict(DEFAULT_SIZES), {}, {}, {})


def encoding_from_mapping(raw: Any, path: str) -> Document:
    if not isinstance(raw, Mapping):
        return Document(path, Path(path).stem, _empty_notation(), (),
                        problems=(f"{path}: expected a mapping with 'notation' and 'chains'",))
    problems: list[str] = []
    top = Location(path, int(raw.get("__line__", 1)))
    extra = set(raw) - _DOC_KEYS
    if extra:
        problems.append(str(InputError(f"unknown keys {sorted(extra)}", top)))
    notation: Notation | None
    try:
        notation = parse_notation(strip_line_marks(raw.get("notation")),
                                  Location(path, _line_of(raw.get("notation"), top.line)))
    except InputError as err:
        problems.append(str(err))
        notation = None
    chains = []
    raw_chains = raw.get("chains") or []
    if not isinstance(raw_chains, list):
        problems.append(str(InputError("'chains' must be a list", top)))
        raw_chains = []
    steps = sum(len(c["steps"]) for c in raw_chains
                if isinstance(c, Mapping) and isinstance(c.get("steps"), list))
    if steps > DOCUMENT_STEPS:
        problems.append(str(InputError(f"{steps} steps, more than the {DOCUMENT_STEPS} one "
                                       "document may have: not read (split it into several "
                                       "documents)", top)))
        raw_chains = []
    for number, raw_chain in enumerate(raw_chains, 1):
        chain, chain_problems = _chain(raw_chain, number, path, notation)
        chains.append(chain)
        problems.extend(chain_problems)
    return Document(path, str(raw.get("title", Path(path).stem)),
                    notation or _empty_notation(), tuple(chains),
                    source=str(raw.get("source", "")), problems=tuple(problems))


def _line_of(value: Any, default: int) -> int:
    return int(value.get("__line__", default)) if isinstance(value, Mapping) else default


def _chain(raw: Any, number: int, path: str,
           notation: Notation | None) -> tuple[Chain, list[str]]:
    problems: list[str] = []
    if not isinstance(raw, Mapping):
        where = Location(path)
        return Chain(f"chain {number}", ()), [str(InputError(f"chain {number}: not a mapping",
                                                             where))]
    where = Location(path, int(raw.get("__line__", 0)))
    name = str(raw.get("name", f"chain {number}"))
    extra = set(raw) - _CHAIN_KEYS
    if extra:
        problems.append(str(InputError(f"chain {name!r}: unknown keys {sorted(extra)}", where)))
    chain_notation = notation
    if notation is not None and raw.get("notation") is not None:
        try:
            chain_notation = parse_notation(strip_line_marks(raw["notation"]), where, base=notation)
        except InputError as err:
            problems.append(str(err))
            chain_notation = None
    where_conditions: list[Any] = []
    where_text = [str(w) for w in (raw.get("where") or [])]
    if chain_notation is not None:
        scope = Scope.for_document(chain_notation)
        for text in where_text:
            try:
                where_conditions.append(parse_condition(text, scope, where))
            except InputError as err:
                problems.append(str(err))
    steps = []
    for raw_step in raw.get("steps") or []:
        steps.append(_step(raw_step, path, chain_notation,
                           None if chain_notation is not None else "the notation is invalid"))
    own = chain_notation if chain_notation is not notation else None
    return Chain(name, tuple(steps), tuple(where_conditions), tuple(where_text), own,
                 str(raw.get("note", ""))), problems


def _step(raw: Any, path: str, notation: Notation | None, blocked: str | None) -> Step:
    if not isinstance(raw, Mapping):
        return Step(Location(path), str(raw), None, problem="a step must be a mapping")
    line = int(raw.get("__line__", 0))
    label = raw.get("label")
    location = Location(path, line, str(label) if label is not None else None)
    origin = Location("source", int(raw["line"]), location.label) if isinstance(
        raw.get("line"), int) else None
    latex = str(raw.get("latex", ""))
    note = str(raw.get("note", ""))
    extra = set(raw) - _STEP_KEYS
    if extra:
        return Step(location, latex, None, problem=f"{location}: unknown keys {sorted(extra)}",
                    note=note, origin=origin)
    if blocked is not None:
        return Step(location, latex, None, problem=f"{location}: {blocked}", note=note,
                    origin=origin)
    assert notation is not None
    if "unparsed" in raw:
        return Step(location, latex, None, problem=str(raw["unparsed"]), note=note,
                    origin=origin)
    if "expr" not in raw:
        return Step(location, latex, None, problem=f"{location}: the step has no 'expr'",
                    note=note, origin=origin)
    scope = Scope.for_document(notation)
    try:
        expr = parse_expression(str(raw["expr"]), scope, location)
    except InputError as err:
        return Step(location, latex, None, problem=str(err), note=note, origin=origin)
    subclaims = tuple(_subclaim(sub, scope, location) for sub in raw.get("subclaims") or [])
    return Step(location, latex, expr, note=note, subclaims=subclaims, origin=origin)


def _subclaim(raw: Any, scope: Scope, location: Location) -> SubClaim:
    if not isinstance(raw, Mapping) or "lhs" not in raw or "rhs" not in raw:
        return SubClaim(str(raw), None, None, problem=f"{location}: a subclaim needs lhs and rhs")
    try:
        lhs = parse_expression(str(raw["lhs"]), scope, location)
        rhs = parse_expression(str(raw["rhs"]), scope, location)
    except InputError as err:
        return SubClaim(str(raw.get("latex", "")), None, None, problem=str(err))
    return SubClaim(str(raw.get("latex", "")), lhs, rhs)

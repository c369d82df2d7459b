"""Records from a JSON array/object or JSON Lines, with limits on nesting and record size.

A record nested deeper than ``max_depth`` (Python's parser would hit its recursion
limit, and nothing in a post needs it) or larger than ``max_bytes`` is quarantined with
the reason and the setting to change, never a RecursionError or an out-of-memory.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from loaders.errors import InputFileError, explain
from loaders.ingest.csv_careful import RAW_KEPT_CHARS, ParseReject

Progress = Callable[[str, float], None]


@dataclass
class _Invalid:
    reason: str  # completes "line 3 ..." / "element 3 ..."


def nesting_depth(value: Any) -> int:
    """Levels of objects and lists in ``value`` (0 for a scalar), without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in children)
    return deepest


def flatten(record: dict[str, Any]) -> dict[str, Any]:
    """Nested objects become ``a.b`` keys, lists JSON text, scalars text (None stays None)."""
    out: dict[str, Any] = {}
    stack: list[tuple[str, Any]] = [("", record)]
    while stack:
        prefix, value = stack.pop()
        if isinstance(value, dict):
            stack.extend(
                (f"{prefix}.{key}" if prefix else str(key), inner)
                for key, inner in reversed(value.items())
            )
        elif isinstance(value, list):
            out[prefix] = json.dumps(value, ensure_ascii=False)
        elif isinstance(value, bool):
            out[prefix] = "true" if value else "false"
        elif value is None:
            out[prefix] = None
        else:
            out[prefix] = str(value)
    return out


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_NOT_A_BRACKET = re.compile(r"[^\[\]{}]+")


def text_depth(text: str) -> int:
    """Deepest bracket nesting of JSON ``text`` (brackets inside strings ignored), without
    parsing it: for text too deep for Python's parser to say how deep it is."""
    brackets = _NOT_A_BRACKET.sub("", _JSON_STRING.sub("", text))
    steps = (1 if bracket in "[{" else -1 for bracket in brackets)
    return max(itertools.accumulate(steps, initial=0))


def _too_deep(path: Path, text: str, max_depth: int) -> InputFileError:
    return InputFileError(
        explain(
            f"{path.name} is nested too deeply to read",
            expected=f"records nested at most {max_depth} levels (setting json_max_depth)",
            found=f"a document nested {text_depth(text):,} levels deep",
            fix="export the records as a flat JSON array or JSON Lines.",
        )
    )


def _too_deep_reason(line: str, max_depth: int) -> str:
    return (
        f"is nested {text_depth(line):,} levels deep; the limit is {max_depth} "
        "(setting json_max_depth)"
    )


def _document_items(
    path: Path, text: str, notes: list[str], max_depth: int
) -> list[tuple[str, Any, dict[str, Any]]] | None:
    """(where, item, raw) of a JSON document's records; None when the text is JSON Lines."""
    try:
        document = json.loads(text)
    except RecursionError:
        raise _too_deep(path, text, max_depth) from None
    except json.JSONDecodeError as error:
        lines = [line for line in text.splitlines() if line.strip()]
        if len(lines) < 2 or not lines[0].lstrip().startswith("{"):
            raise InputFileError(
                explain(
                    f"{path.name} is not valid JSON: {error.msg} at line {error.lineno} column {error.colno}",
                    expected="a JSON array of objects, or one object per line",
                )
            ) from None
        notes.append("read as JSON Lines (one object per line)")
        return None
    if isinstance(document, dict):
        nested = [
            (k, v)
            for k, v in document.items()
            if isinstance(v, list) and v and all(isinstance(i, dict) for i in v)
        ]
        if nested:
            notes.append(f"records read from the '{nested[0][0]}' list")
            document = nested[0][1]
        else:
            document = [document]
    if not isinstance(document, list):
        raise InputFileError(
            explain(
                f"{path.name} holds a JSON {type(document).__name__}",
                expected="a JSON array of objects",
            )
        )
    return [(f"element {i}", item, {"element": i}) for i, item in enumerate(document, start=1)]


def _line_items(
    text: str, progress: Progress | None, max_bytes: int, max_depth: int
) -> list[tuple[str, Any, dict[str, Any]]]:
    items: list[tuple[str, Any, dict[str, Any]]] = []
    lines = text.splitlines()
    for line_number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        raw = {"line": line_number, "text": line[:RAW_KEPT_CHARS]}
        item: Any
        if len(line) > max_bytes:
            item = _Invalid(f"is over {max_bytes >> 20} MB (setting max_record_mb)")
        else:
            try:
                item = json.loads(line)
            except json.JSONDecodeError as error:
                item = _Invalid(f"is not valid JSON: {error.msg}")
            except RecursionError:
                item = _Invalid(_too_deep_reason(line, max_depth))
        items.append((f"line {line_number}", item, raw))
        if progress and line_number % 50_000 == 0:
            progress("reading", line_number / len(lines))
    return items


def _check(item: Any, max_depth: int, max_bytes: int | None) -> str | None:
    """Why a parsed item is not a usable record, or None; ``max_bytes`` None skips the size."""
    if isinstance(item, _Invalid):
        return item.reason
    if not isinstance(item, dict):
        return f"is a JSON {type(item).__name__}, not an object"
    depth = nesting_depth(item)
    if depth > max_depth:
        return f"is nested {depth} levels deep; the limit is {max_depth} (setting json_max_depth)"
    size = sum(len(v) for v in flatten(item).values() if v) if max_bytes is not None else 0
    if max_bytes is not None and size > max_bytes:
        return f"holds {size / (1 << 20):.0f} MB of text; the limit is {max_bytes >> 20} MB (setting max_record_mb)"
    return None


def records_from_json(
    path: Path, fmt: str, progress: Progress | None, *, max_depth: int, max_bytes: int
) -> tuple[list[dict[str, Any] | None], list[ParseReject], list[str]]:
    """Records (None for rejected positions) and rejects, from a JSON array/object or JSON Lines."""
    text = path.read_text(encoding="utf-8-sig")
    notes: list[str] = []
    items = _document_items(path, text, notes, max_depth) if fmt == "json" else None
    if items is None:
        items = _line_items(text, progress, max_bytes, max_depth)
    records: list[dict[str, Any] | None] = []
    rejects: list[ParseReject] = []
    # No record can be larger than the whole text: only a large file needs the size check.
    size_limit = max_bytes if len(text) > max_bytes else None
    for record, (where, item, raw) in enumerate(items, start=1):
        reason = _check(item, max_depth, size_limit)
        if reason is None:
            records.append(item)
            continue
        records.append(None)
        if "element" in raw and reason.startswith("is a JSON") and nesting_depth(item) <= max_depth:
            raw = {"value": item}  # a small scalar or list: keep it as it was
        rejects.append(ParseReject(record, f"{where} {reason}", raw))
    return records, rejects, notes

"""Column mapping: which column of an export holds each Brandpulse field.

Resolution order, highest first: explicit overrides (``--map field=column`` or a mapping
TOML), the preset's candidates (named or detected from signature columns), then the
generic candidates below, taken from the headers real exports use. Header names are
compared normalised: lower case, runs of non-alphanumerics as ``_``
("Review Created (UTC)" -> ``review_created_utc``, "reviews.text" -> ``reviews_text``).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from loaders.errors import MappingError, explain
from loaders.ingest.presets import GENERIC_CANDIDATES, KINDS, PRESETS, Preset

REQUIRED_FIELDS = ("text", "created_at")

FIELDS = tuple(GENERIC_CANDIDATES)


def normalise_header(name: str) -> str:
    """``"Review Created (UTC)"`` -> ``"review_created_utc"``."""
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")


@dataclass(frozen=True)
class ColumnMapping:
    """How one file maps to the documents table."""

    columns: dict[str, str]  # field -> source column name, as in the file
    kind: str
    preset: str | None
    source: str  # constant used where the file has no source column (or an empty cell)
    brand: str | None  # constant used where the file has no brand column (or an empty cell)
    explicit: frozenset[str]  # fields the user mapped by hand (never second-guessed)

    def as_json(self) -> dict[str, Any]:
        return {
            "columns": self.columns,
            "kind": self.kind,
            "preset": self.preset,
            "source": self.source,
            "brand": self.brand,
        }


def detect_preset(columns: Sequence[str]) -> Preset | None:
    """The first preset one of whose signatures is fully present in the header."""
    present = {normalise_header(c) for c in columns}
    for preset in PRESETS.values():
        if any(signature <= present for signature in preset.signatures):
            return preset
    return None


def _lookup(columns: Sequence[str], wanted: str) -> str | None:
    """Find a column by exact name, else by normalised name."""
    if wanted in columns:
        return wanted
    by_norm = {normalise_header(c): c for c in reversed(columns)}
    return by_norm.get(normalise_header(wanted))


def _match_columns(
    columns: Sequence[str], chosen: Preset | None, mapped: dict[str, str], skip: set[str]
) -> None:
    """Add to ``mapped`` each field (not in ``skip``) whose column the header names."""
    # A column mapped as the human label is never also detected as another field (a 0/1/2
    # "score" is not a star rating); to use the ratings as labels, map both by hand.
    taken = set(mapped.values())
    normalised: dict[str, str] = {}
    for column in columns:
        normalised.setdefault(normalise_header(column), column)
    for field_name in FIELDS:
        if field_name in skip or (chosen and field_name in chosen.exclude):
            continue
        preset_candidates = chosen.candidates.get(field_name, ()) if chosen else ()
        # A preset that names its id columns knows a generic "id" would be wrong there
        # (Datafiniti's "id" names the product, so every review of it would look like a duplicate).
        only_preset = field_name == "external_id" and bool(preset_candidates)
        generic = () if only_preset else GENERIC_CANDIDATES[field_name]
        for candidate in (*preset_candidates, *generic):
            column = normalised.get(candidate)
            if column is not None and column not in taken:
                mapped[field_name] = column
                taken.add(column)
                break


def suggest_columns(columns: Sequence[str]) -> dict[str, str]:
    """field -> column as automatic detection sees it, even when required fields are missing."""
    mapped: dict[str, str] = {}
    _match_columns(columns, detect_preset(columns), mapped, skip=set())
    return mapped


def resolve_mapping(
    columns: Sequence[str],
    *,
    preset: str | None = None,
    overrides: Mapping[str, str] | None = None,
    kind: str | None = None,
    source: str | None = None,
    brand: str | None = None,
    file_label: str = "the file",
) -> ColumnMapping:
    """Map the header ``columns`` to fields; raise MappingError with a fix when impossible.

    An override with an empty column name (``--map rating=``) unmaps that field.
    """
    overrides = dict(overrides or {})
    _check_options(overrides, kind, preset)
    chosen = PRESETS[preset] if preset else detect_preset(columns)
    seen = ", ".join(columns) if columns else "(no columns)"

    mapped = _explicit_columns(columns, overrides, file_label, seen)
    _match_columns(columns, chosen, mapped, skip=set(overrides))
    _require_fields(mapped, file_label, seen)

    resolved_kind = kind or (
        chosen.kind if chosen else ("review" if "rating" in mapped else "social")
    )
    resolved_source = source or (chosen.source if chosen else "other")
    return ColumnMapping(
        columns=mapped,
        kind=resolved_kind,
        preset=chosen.name if chosen else None,
        source=resolved_source,
        brand=brand,
        explicit=frozenset(k for k, v in overrides.items() if v),
    )


def _check_options(overrides: dict[str, str], kind: str | None, preset: str | None) -> None:
    """Raise MappingError for an unknown field in ``overrides``, an unknown kind or preset."""
    unknown = sorted(set(overrides) - set(FIELDS))
    if unknown:
        raise MappingError(
            explain(
                f"Unknown field {', '.join(unknown)} in the column mapping",
                expected="one of " + ", ".join(FIELDS),
                fix="use --map FIELD=COLUMN with one of those fields.",
            )
        )
    if kind is not None and kind not in KINDS:
        raise MappingError(
            explain(
                f"Unknown kind '{kind}'",
                expected="review or social",
                fix="pass --kind review or --kind social.",
            )
        )
    if preset is not None and preset not in PRESETS:
        raise MappingError(
            explain(
                f"Unknown preset '{preset}'",
                expected="one of " + ", ".join(PRESETS),
                fix="pick one, or leave --preset out to detect it.",
            )
        )


def _explicit_columns(
    columns: Sequence[str], overrides: dict[str, str], file_label: str, seen: str
) -> dict[str, str]:
    """field -> column for each override that names a column (empty ones unmap their field)."""
    mapped: dict[str, str] = {}
    for field_name, column in overrides.items():
        if not column:
            continue
        found = _lookup(columns, column)
        if found is None:
            raise MappingError(
                explain(
                    f"Column '{column}' given for {field_name} is not in {file_label}",
                    expected="one of the file's columns",
                    found=seen,
                    fix=f"use --map {field_name}=COLUMN with one of those.",
                )
            )
        mapped[field_name] = found
    return mapped


def _require_fields(mapped: dict[str, str], file_label: str, seen: str) -> None:
    """Raise MappingError naming the first required field (text, date) that has no column."""
    for field_name in REQUIRED_FIELDS:
        if field_name not in mapped:
            label = "text" if field_name == "text" else "date"
            names = ", ".join(GENERIC_CANDIDATES[field_name][:8])
            raise MappingError(
                explain(
                    f"Could not find the {label} column in {file_label}",
                    expected=f"a column named like {names}",
                    found=f"columns {seen}",
                    fix=f"name the column with --map {field_name}=COLUMN (or a mapping TOML).",
                )
            )


def parse_map_options(pairs: Sequence[str]) -> dict[str, str]:
    """``["text=reviews.text", "rating="]`` -> ``{"text": "reviews.text", "rating": ""}``."""
    result = {}
    for pair in pairs:
        field_name, sep, column = pair.partition("=")
        if not sep:
            raise MappingError(
                explain(
                    f"--map '{pair}' has no '='",
                    expected="FIELD=COLUMN, e.g. --map text=reviews.text",
                )
            )
        result[field_name.strip()] = column.strip()
    return result


def load_mapping_file(path: Path) -> dict[str, Any]:
    """Read a mapping TOML: optional ``preset``, ``kind``, ``source``, ``brand`` and a ``[columns]`` table."""
    try:
        table = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MappingError(f"Mapping file {path} does not exist.") from None
    except tomllib.TOMLDecodeError as error:
        raise MappingError(f"Mapping file {path} is not valid TOML: {error}.") from None
    allowed = {"preset", "kind", "source", "brand", "columns"}
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise MappingError(
            explain(
                f"Unknown key {', '.join(unknown)} in {path}",
                expected="preset, kind, source, brand and a [columns] table",
            )
        )
    columns = table.get("columns", {})
    if not isinstance(columns, dict) or not all(isinstance(v, str) for v in columns.values()):
        raise MappingError(
            explain(
                f"[columns] in {path} must map fields to column names",
                expected='text = "Review Content"',
            )
        )
    return {
        **{k: table[k] for k in ("preset", "kind", "source", "brand") if k in table},
        "columns": columns,
    }

"""Import campaign definitions (name, dates, channels, hashtags, UTM, keywords, budget) from CSV."""

from __future__ import annotations

import csv
import dataclasses
import re
from datetime import date
from pathlib import Path
from typing import Any

from loaders import store
from loaders.config import Settings, load_settings
from loaders.errors import InputFileError, explain
from loaders.ingest.formats import file_digest
from loaders.store.sql import INSERT_CAMPAIGN_IMPORT, UPSERT_CAMPAIGNS

REQUIRED = ("name", "start", "end")
ALIASES = {
    "name": ("name", "campaign", "campaign_name"),
    "brand": ("brand",),
    "start": ("start", "start_date", "starts"),
    "end": ("end", "end_date", "ends"),
    "channels": ("channels", "channel"),
    "hashtags": ("hashtags", "hashtag"),
    "utm_campaign": ("utm_campaign", "utm"),
    "keywords": ("keywords", "keyword"),
    "budget": ("budget",),
}


def _split(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;|,]", value or "") if part.strip()]


def parse_campaign(value: dict[str, str], where: str) -> dict[str, Any]:
    """One campaign from text fields (as in the CSV), checked; ``where`` names it in errors."""
    value = {field: (value.get(field) or "").strip() for field in ALIASES}
    try:
        start, end = date.fromisoformat(value["start"]), date.fromisoformat(value["end"])
        budget = float(value["budget"]) if value["budget"] else None
    except ValueError as error:
        raise InputFileError(
            explain(
                f"{where}: {error}",
                expected="dates as YYYY-MM-DD and a numeric budget",
            )
        ) from None
    if not value["name"] or end < start:
        raise InputFileError(f"{where}: a campaign needs a name and an end on or after its start.")
    return {
        "name": value["name"],
        "brand": value["brand"] or None,
        "start_date": start,
        "end_date": end,
        "channels": [c.lower() for c in _split(value["channels"])],
        "hashtags": [h.lstrip("#").lower() for h in _split(value["hashtags"])],
        "utm_campaign": value["utm_campaign"] or None,
        "keywords": [k.lower() for k in _split(value["keywords"])],
        "budget": budget,
    }


def read_campaigns(path: Path) -> list[dict[str, Any]]:
    """Parse and validate a campaigns CSV; raise InputFileError naming the first bad row."""
    try:
        with Path(path).open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = {(name or "").strip().lower(): name for name in reader.fieldnames or []}
            columns = {
                field: next((header[a] for a in aliases if a in header), None)
                for field, aliases in ALIASES.items()
            }
            missing = [f for f in REQUIRED if columns[f] is None]
            if missing:
                raise InputFileError(
                    explain(
                        f"{Path(path).name} has no {', '.join(missing)} column",
                        expected="columns name, start, end (and optionally channels, hashtags, utm_campaign, keywords, budget, brand)",
                        found=", ".join(header.values()),
                    )
                )
            rows = []
            for line, row in enumerate(reader, start=2):
                value = {
                    field: (row.get(column) or "").strip() if column else ""
                    for field, column in columns.items()
                }
                rows.append(parse_campaign(value, f"{Path(path).name} line {line}"))
            return rows
    except FileNotFoundError:
        raise InputFileError(f"{path} does not exist.") from None
    except (csv.Error, UnicodeDecodeError) as error:
        raise InputFileError(f"{Path(path).name} cannot be read as CSV: {error}") from None


def store_campaigns(
    rows: list[dict[str, Any]], settings: Settings, source: Path | None = None
) -> int:
    """Insert or replace campaigns (parsed rows); attribution follows on commit. The
    ``source`` file, when given, is remembered by its bytes (see loaders.ingest.inbox)."""
    import pyarrow as pa

    table = pa.Table.from_pylist(
        rows,
        schema=pa.schema(
            [
                ("name", pa.string()),
                ("brand", pa.string()),
                ("start_date", pa.date32()),
                ("end_date", pa.date32()),
                ("channels", pa.list_(pa.string())),
                ("hashtags", pa.list_(pa.string())),
                ("utm_campaign", pa.string()),
                ("keywords", pa.list_(pa.string())),
                ("budget", pa.float64()),
            ]
        ),
    )
    with store.session(settings=settings) as con:
        con.register("campaigns_arrow", table)
        with store.transaction(con):
            con.execute(UPSERT_CAMPAIGNS)
            if source is not None:
                con.execute(
                    INSERT_CAMPAIGN_IMPORT,
                    [str(source.resolve()), file_digest(source), len(rows)],
                )
    return len(rows)


def looks_like_campaigns(path: Path) -> bool:
    """Whether a file is a campaign list (a CSV with name, start and end columns) rather
    than an export of posts or reviews."""
    if path.suffix.lower() != ".csv":
        return False
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            header = {name.strip().lower() for name in next(csv.reader(handle), [])}
    except (OSError, UnicodeDecodeError, csv.Error):
        return False
    return all(header & set(ALIASES[field]) for field in REQUIRED)


def import_campaigns(
    path: Path, *, db: Path | None = None, settings: Settings | None = None
) -> int:
    """Insert or replace the campaigns of ``path``; returns how many were stored."""
    settings = settings or load_settings()
    if db is not None:
        settings = dataclasses.replace(settings, db=db)
    return store_campaigns(read_campaigns(path), settings, source=Path(path))


def add_campaign(fields: dict[str, str], settings: Settings) -> dict[str, Any]:
    """Insert or replace one campaign entered by hand (the dashboard's form)."""
    campaign = parse_campaign(fields, f"Campaign '{fields.get('name') or ''}'")
    store_campaigns([campaign], settings)
    return campaign

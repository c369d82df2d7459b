"""Loaders: export files -> DuckDB, the bottom layer.

Owns the settings (:mod:`.config`), the error hierarchy every layer shares (:mod:`.errors`), the
store (:mod:`.store`: connections, transactions, migrations, read models), ingestion
(:mod:`.ingest`), the campaign list import (:mod:`.campaigns`), the demo data generator, and small
shared helpers (dates, safe text, temporary folders). Never imports ``analysis`` or ``dashboard``
(the import-linter contracts in pyproject.toml check it), streamlit or torch.
"""

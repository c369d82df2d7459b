"""The store: the DuckDB file and everything about it that is not ingestion.

Owns connections and sessions with lock retry (:mod:`.connection`), the three primitives every
module uses on a connection (:mod:`.primitives`: ``transaction``, ``scalar``, ``records``), the
numbered schema migrations (``migrations/*.sql``), the read models derived from the source tables
(:mod:`.facts`: ``doc_facts`` and campaign attribution), summaries of what the store holds
(:mod:`.info`) and deleting documents loaded by mistake (:mod:`.deletion`). This package re-exports
the connection API and the primitives, so callers write ``store.session(...)`` and
``store.transaction(con)``. Imports nothing from ``analysis`` or ``dashboard``.

The rule for callers: readers take a connection; commands take Settings and own their lock window
(they open ``store.session(settings=...)`` themselves and keep it as short as the work allows).
"""

from loaders.store.connection import (
    ATTACHED_NAME,
    LATEST_VERSION,
    attach_for_write,
    connect,
    detach,
    migrate,
    migrations,
    open_private,
    private_files,
    restrict_to_owner,
    schema_version,
    session,
    with_lock_retry,
)
from loaders.store.primitives import records, scalar, transaction

__all__ = [
    "ATTACHED_NAME",
    "LATEST_VERSION",
    "attach_for_write",
    "connect",
    "detach",
    "migrate",
    "migrations",
    "open_private",
    "private_files",
    "records",
    "restrict_to_owner",
    "scalar",
    "schema_version",
    "session",
    "transaction",
    "with_lock_retry",
]

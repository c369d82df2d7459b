"""Ingestion: any supported export file -> checked rows in the store, one transaction per file.

Owns finding and reading files (:mod:`.formats` with :mod:`.csv_careful`, :mod:`.json_records`,
:mod:`.textio`, :mod:`.xlsx_limits`), mapping columns to fields (:mod:`.mapping` with the export
:mod:`.presets`), normalising and checking rows (:mod:`.normalize`), the ingest of one file with
quarantine and dedup (:mod:`.files`) and the weekly inbox (:mod:`.inbox`); SQL in :mod:`.sql`.
Rows read = inserted + duplicates + rejected. Imports only other ``loaders`` modules.
"""

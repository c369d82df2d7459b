"""Explore: the dashboard's ad-hoc SQL box, read-only and bounded.

:mod:`.sql_box` checks a query and runs it in a separate worker process (:mod:`.worker`) with a
memory cap, a time limit and no file or network access. Imports only ``loaders``.
"""

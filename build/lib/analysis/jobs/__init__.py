"""Jobs: the units of work that chain concerns, shared by the CLI and the dashboard.

Owns the analysis pass (:mod:`.analysis_pass`: sentiment, then topics), the unattended weekly run
(:mod:`.weekly`: inbox, analysis, report files) and loading the demo data. The top layer of
``analysis``: may import every other concern, and nothing in ``analysis`` imports it. Never imports
``dashboard``.
"""

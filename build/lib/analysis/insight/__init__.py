"""Insight: the figures of a period for the Overview, the report and the cards.

Owns period KPIs and the movers (:mod:`.kpis`), the sentiment trend and sparklines (:mod:`.trend`),
finding posts (:mod:`.posts`), filter values and the analysis state (:mod:`.facets`) and the insight
cards (:mod:`.cards`), with SQL in :mod:`.sql`. Reads the ``doc_facts`` read model. May import
sentiment, topics, campaigns, periods and filters; never suggestions, report, jobs or ``dashboard``.
"""

"""Campaigns: results before, during and after each campaign, uplift, share of voice.

:mod:`.results` computes them from the ``doc_facts`` and ``campaign_documents`` read models; SQL in
:mod:`.sql`. May import ``analysis.periods`` and ``analysis.filters``; never insight, suggestions,
report, jobs or ``dashboard``.
"""

"""Suggestions: a recommended play per insight card, and copy a marketer reviews before use.

Owns the plays and worked examples (:mod:`.plays`), the prompts and copy checks (:mod:`.prompts`),
the grounding check (:mod:`.grounding`), the text generators (:mod:`.generators`), the
generate-and-check loop (:mod:`.writer`) and storage, review and export (:mod:`.review`), with SQL in
:mod:`.sql`. May import ``analysis.insight`` (the cards); never report, jobs or ``dashboard``.
"""

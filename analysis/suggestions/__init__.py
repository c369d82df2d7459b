"""Suggestions: a recommended play per insight card, and copy a marketer reviews before use.

Owns the plays and worked examples (:mod:`.plays`), the prompts and copy checks (:mod:`.prompts`),
the grounding check (:mod:`.grounding`), the text generators (:mod:`.generators`), the
generate-and-check loop (:mod:`.writer`) and storage, review and export (:mod:`.review`), with SQL in
:mod:`.sql`; replies to customers' posts (:mod:`.replies`: the drafts; :mod:`.knowledge`: which
knowledge base entry answers a post; :mod:`.reply_queue`: the queue, review and export, with
SQL in :mod:`.reply_sql`). May import ``analysis.insight`` (the cards); never report, jobs or ``dashboard``.
"""

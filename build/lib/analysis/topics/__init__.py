"""Topics: what people talk about, found with BERTopic, and topic insight.

Owns the text the topic model sees (:mod:`.text`), the embeddings cache (:mod:`.embeddings`), the
fit (:mod:`.fit`), assigning new documents (:mod:`.assign`), users' edits (:mod:`.edits`), and
insight over topics: topic x sentiment, topics over time, emerging topics (:mod:`.trends`) and
spikes with their drivers (:mod:`.spikes`). SQL lives in :mod:`.sql`. May import
``analysis.sentiment`` (the encoder loader), ``analysis.periods`` and ``analysis.filters``; never
insight, suggestions, report, jobs or ``dashboard``.
"""

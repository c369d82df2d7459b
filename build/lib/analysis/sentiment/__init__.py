"""Sentiment: the classifier, its training, its registry and scoring every document.

Owns the model format and loading (:mod:`.model`), fast batch scoring (:mod:`.scoring`), the
scoring pass over the store (:mod:`.scoring_run`), fine-tuning (:mod:`.training`, :mod:`.trainer`),
the model registry (:mod:`.registry`), the offline default model and its seed corpus
(:mod:`.default_model`, :mod:`.seed_corpus`), human corrections and the labeling queue
(:mod:`.corrections`), with SQL in :mod:`.sql`. The lowest concern of ``analysis``: imports only
``loaders``; torch and transformers load on use, never at import.
"""

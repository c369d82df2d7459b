"""Analysis: models and insight as pure functions over the Brandpulse database, the middle layer.

One subpackage per concern, each with its SQL in its own ``sql.py``, layered from the bottom up:
``periods`` and ``filters`` (shared by all) < ``sentiment`` < ``topics`` and ``campaigns`` <
``insight`` < ``suggestions`` < ``report`` < ``jobs`` (with ``explore`` beside it). A concern
imports only the ones below it and ``loaders``; never ``dashboard`` or streamlit. Models load on
first use, never at import time.
"""

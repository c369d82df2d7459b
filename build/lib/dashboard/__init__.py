"""Dashboard: what the marketer sees and types, the top layer.

Owns the Streamlit app (``app.py`` with its ``st.navigation`` sections, the page scripts in
``views/``, the shared filter bar and widgets in ``ui.py``, URL filter state in
``filter_state.py``, every cache in ``cache.py``, the password gate and the server wrapper) and
the ``brandpulse`` command line. Pages are thin: read widgets, call one or two ``analysis``
functions, draw. Nothing imports ``dashboard``; it may import ``analysis`` and ``loaders``.
"""

"""The page scripts that ``dashboard/app.py`` runs through ``st.navigation``, one per page.

Named ``views`` rather than ``pages`` on purpose: Streamlit runs an app with a ``pages/``
folder beside its entry script as an old-style multipage app.
"""

"""The dashboard's optional password (setting dashboard_password) for a shared dashboard.

Only whether this browser session entered it is kept (in Streamlit's session state,
which lives in the server's memory); the password itself is never stored or logged.
"""

from __future__ import annotations

import hmac

import streamlit as st

SESSION_KEY = "brandpulse_unlocked"
INPUT_KEY = "brandpulse_password"


def password_gate(password: str) -> None:
    """Stop the page until this session has entered ``password``; no-op when it is empty."""
    if not password or st.session_state.get(SESSION_KEY):
        return
    st.title("Brandpulse")
    with st.form("password-gate"):
        entered = st.text_input("Password", type="password", key=INPUT_KEY)
        submitted = st.form_submit_button("Open the dashboard", type="primary")
    if submitted:
        # Constant-time comparison: the answer time says nothing about the password.
        if hmac.compare_digest(entered.encode(), password.encode()):
            st.session_state[SESSION_KEY] = True
            del st.session_state[INPUT_KEY]  # keep only the fact, not the password
            st.rerun()
        st.error("Wrong password.")
    st.stop()

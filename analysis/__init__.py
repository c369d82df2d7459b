"""Analysis: models and insight as pure functions over the Brandpulse database.

Never imports streamlit; models load on first use, never at import time.
"""

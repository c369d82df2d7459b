"""Dashboard: the Streamlit app and the ``brandpulse`` command line."""

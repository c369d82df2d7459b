"""Loaders: files -> DuckDB.

This package owns the store (connections, migrations), the settings and the error
hierarchy that the other layers share, and the ingestion of review and social-post
exports. It never imports streamlit or torch.
"""

"""Uploaded files on disk for the loaders, which read paths: private and short-lived.

A copy lives in a folder of this process made by :func:`loaders.tempdirs.make_private_dir`
(0700, unpredictable name, file 0600), one per browser session, and is removed after
the ingest (also when it fails) or when the session uploads another file. A folder left
by a killed dashboard is swept by the next process that makes one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

from loaders.tempdirs import make_private_dir, remove_dir, write_private

_FOLDERS = "upload_folders"  # session state: file id -> its private folder


def private_copy(uploaded: Any) -> Path:
    """The path of a private copy of ``uploaded`` (a Streamlit UploadedFile), written once
    per upload and kept across the session's reruns until :func:`discard`."""
    folders: dict[str, str] = st.session_state.setdefault(_FOLDERS, {})
    for file_id in [f for f in folders if f != uploaded.file_id]:
        discard(file_id)  # the session moved on to another file
    folder = folders.get(uploaded.file_id)
    if folder is None or not Path(folder).is_dir():
        folder = str(make_private_dir("upload"))
        folders[uploaded.file_id] = folder
    path = Path(folder) / (Path(uploaded.name).name or "upload")
    if not path.exists():
        write_private(path, uploaded.getvalue())
    return path


def discard(file_id: str) -> None:
    """Remove the copy of the upload ``file_id`` (nothing when there is none)."""
    folder = st.session_state.get(_FOLDERS, {}).pop(file_id, None)
    if folder:
        remove_dir(Path(folder))

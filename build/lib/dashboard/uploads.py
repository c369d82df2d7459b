"""Uploaded files on disk for the loaders, which read paths: private and short-lived.

A copy lives in a folder of this process made by :func:`loaders.tempdirs.make_private_dir`
(0700, unpredictable name, file 0600), one per browser session, and is removed after
the ingest (also when it fails), when the session uploads another file or when the
uploader is cleared. A folder left
by a killed dashboard is swept by the next process that makes one.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import streamlit as st

from loaders.tempdirs import make_private_dir, remove_dir, write_private

_FOLDERS = "upload_folders"  # session state: file id -> its private folder
FIXED_NAME = "upload"  # for a name that is no file name ('..', '.', empty)


def copy_name(name: str) -> str:
    """The uploaded file's own name, without any folders (POSIX or Windows), fit to create
    inside the private folder: '..', '.' or '' become 'upload', and '.csv' 'upload.csv'."""
    base = re.split(r"[\\/]", name)[-1].replace("\0", "")
    if not base.strip("."):  # '..' would name the folder above, '.' the folder itself
        return FIXED_NAME
    return FIXED_NAME + base if base.startswith(".") else base  # '.csv' keeps its format


def keep_only(uploaded: Any | None) -> None:
    """Remove the copies of every upload but ``uploaded`` (all of them when it is None):
    a file replaced in the uploader, or an uploader cleared, leaves nothing behind."""
    folders: dict[str, str] = st.session_state.get(_FOLDERS, {})
    current = uploaded.file_id if uploaded is not None else None
    for file_id in [f for f in folders if f != current]:
        discard(file_id)


def private_copy(uploaded: Any) -> Path:
    """The path of a private copy of ``uploaded`` (a Streamlit UploadedFile), written once
    per upload and kept across the session's reruns until :func:`discard`."""
    keep_only(uploaded)  # the session moved on to another file
    folders: dict[str, str] = st.session_state.setdefault(_FOLDERS, {})
    folder = folders.get(uploaded.file_id)
    if folder is None or not Path(folder).is_dir():
        folder = str(make_private_dir("upload"))
        folders[uploaded.file_id] = folder
    path = Path(folder) / copy_name(uploaded.name)
    if not path.exists():
        write_private(path, uploaded.getvalue())
    return path


def discard(file_id: str) -> None:
    """Remove the copy of the upload ``file_id`` (nothing when there is none)."""
    folder = st.session_state.get(_FOLDERS, {}).pop(file_id, None)
    if folder:
        remove_dir(Path(folder))

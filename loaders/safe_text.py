"""Text from the data made safe for where it is shown: terminals and titles, Markdown,
spreadsheets (CSV) and anything that may carry a secret.

Every output of Brandpulse that carries text it did not write (post text, file and header
names, brands, campaigns, topic names, model output, an endpoint's error body) goes through
one of these functions:

* :func:`visible` for terminal lines, table cells and titles: control characters (ESC and
  the other C0/C1 codes) and bidirectional overrides become visible (``\\x1b``,
  ``<U+202E>``), so a value can neither drive the terminal nor reorder what is shown;
* :func:`markdown_literal` for every Markdown output (reports, exports, the dashboard's
  alerts and captions): the text stays text, never a link, image, HTML or formatting;
* :func:`csv_text` for every CSV file and download: a string cell that a spreadsheet would
  read as a formula gets a leading single quote (OWASP's advice); numbers stay numbers;
* :func:`redact_url` and :func:`redact_secrets` for anything that may hold a credential.

Lower layers may import it: it is plain Python (pandas only when given a data frame).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import unquote_plus, urlsplit, urlunsplit

MASK = "••••"

# --- terminals and titles ------------------------------------------------------------------------
# Bidirectional controls (embeddings, overrides, isolates, marks) reorder the text shown
# around them; the line and paragraph separators break lines where a table expects none.
BIDI_CONTROLS = frozenset(
    [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
    + ["\u200e", "\u200f", "\u061c", "\u2028", "\u2029"]
)
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f" + "".join(sorted(BIDI_CONTROLS)) + "]",
)


def _shown(match: re.Match[str]) -> str:
    character = match.group()
    if character in BIDI_CONTROLS:
        return f"<U+{ord(character):04X}>"
    return _NAMED.get(character, f"\\x{ord(character):02x}")


def visible(text: Any) -> str:
    """``text`` with control and bidi characters shown as escapes, on one line.

    >>> visible("a\\x1b[31mb\\u202ec\\nd")
    'a\\\\x1b[31mb<U+202E>c\\\\nd'
    """
    return _UNSAFE.sub(_shown, str(text))


# --- Markdown ------------------------------------------------------------------------------------
# Backslash escapes that every Markdown flavour reads (emphasis, code, links and images,
# headings, tables, strikethrough, Streamlit's LaTeX; "!" is harmless once "[" is escaped); <, > and & become entities, which
# also hold in the flavours where "\<" is not an escape and raw HTML passes (Markdown.pl,
# Python-Markdown).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]#|~$])")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_ENTITY = re.compile("[&<>]")
# A bare URL becomes a live link in GitHub-flavoured Markdown (Streamlit's): break the
# pattern with an escape that renders as nothing.
_AUTOLINK = re.compile(r"(?i)(?<=[a-z])(:)(?=//)|(?<=\bwww)(\.)")
# A list marker at the start of the text (what a message starts with).
_LIST_MARKER = re.compile(r"^(\d{1,9}[.)]|[-+])(?=\s)")


def markdown_literal(text: Any) -> str:
    """``text`` as literal Markdown on one line: no links, images, HTML, emphasis, headings,
    lists or table breaks; controls and bidi characters made visible.

    >>> markdown_literal("![px](http://host/p.png) <script>")
    '!\\\\[px\\\\](http\\\\://host/p.png) &lt;script&gt;'
    """
    text = visible(" ".join(str(text).split()))
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    text = _ENTITY.sub(lambda m: _ENTITIES[m.group()], text)
    text = _AUTOLINK.sub(lambda m: "\\" + m.group(), text)
    return _LIST_MARKER.sub(lambda m: m.group()[:-1] + "\\" + m.group()[-1], text)


# --- CSV -----------------------------------------------------------------------------------------
# A cell starting with one of these is a formula to Excel, LibreOffice or Google Sheets
# (fullwidth forms included: some locales' spreadsheets read them too).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")


def csv_cell(value: Any) -> Any:
    """A CSV cell that a spreadsheet shows as text: a string a spreadsheet would evaluate
    (=HYPERLINK(...), +cmd, @SUM, a leading tab or CR) gets a leading single quote; numbers,
    and strings that are plain numbers ("-12.5"), stay as they are."""
    if not isinstance(value, str) or not value.startswith(FORMULA_PREFIXES):
        return value
    if _NUMBER.fullmatch(value):
        return value
    return "'" + value


def _frame_csv(frame: Any) -> str:
    safe = frame.copy()
    for column in safe.columns:
        kind = safe[column].dtype.kind  # b(ool), i(nt), u(nsigned), f(loat), c(omplex), M/m (times)
        if kind not in "biufcmM":
            safe[column] = safe[column].map(csv_cell)
    safe.columns = [csv_cell(str(name)) for name in safe.columns]
    return safe.to_csv(index=False)


def csv_text(rows: Any, header: Sequence[Any] | None = None) -> str:
    """CSV of ``rows`` (a pandas data frame, or rows of values under ``header``) with every
    cell passed through :func:`csv_cell`: the one CSV writer of every export and download."""
    if hasattr(rows, "to_csv") and hasattr(rows, "columns"):
        return _frame_csv(rows)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    lines: Iterable[Sequence[Any]] = rows
    if header is not None:
        writer.writerow([csv_cell(h) for h in header])
    for row in lines:
        writer.writerow([csv_cell(cell) for cell in row])
    return buffer.getvalue()


# --- secrets -------------------------------------------------------------------------------------
SECRET_PARAMS = frozenset(
    [
        "api_key",
        "apikey",
        "api-key",
        "key",
        "token",
        "access_token",
        "auth",
        "password",
        "passwd",
        "pass",
        "secret",
        "client_secret",
        "sig",
        "signature",
        "x-api-key",
    ]
)


def redact_url(url: str) -> str:
    """``url`` fit to print or store: no user name or password, secret query values masked.

    >>> redact_url("https://me:pw@host/v1?api_key=sk-1&x=2")
    'https://host/v1?api_key=••••&x=2'
    """
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:  # not a URL we can take apart: show none of it
        return MASK
    netloc = (f"[{host}]" if ":" in host else host) + (f":{port}" if port else "")
    query = "&".join(
        f"{pair.partition('=')[0]}={MASK}"
        if unquote_plus(pair.partition("=")[0]).lower() in SECRET_PARAMS
        else pair
        for pair in parts.query.split("&")
        if pair
    )
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))


_SCHEME_TOKEN = re.compile(r"\b(?i:bearer|Basic)\s+[A-Za-z0-9._~+/-]{4,}=*")
_NAMED_SECRET = re.compile(
    r"(?i)\b(authorization|api[-_]?key|x-api-key|access[-_]?token|token|password|secret)"
    r"([\"']?\s*[:=]\s*[\"']?)(?:(?:bearer|basic)\s+)?[^\s\"',;}&]+"
)
_KEY_LIKE = re.compile(r"\b(?:sk|pk|rk)-[A-Za-z0-9_-]{8,}")
_URL_CREDENTIALS = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@]+@")


SECRET_PREFIX_SHOWN = 6  # the start of a key this long or longer is masked wherever it shows


def _mask_prefixes(text: str, secret: str) -> str:
    """``text`` with every start of ``secret`` (>= SECRET_PREFIX_SHOWN characters) masked:
    servers echo keys half-shown ("sk-abc1****"), and a message cut short may end in one."""
    if len(secret) < SECRET_PREFIX_SHOWN:
        return text
    head, parts, start = secret[:SECRET_PREFIX_SHOWN], [], 0
    while (found := text.find(head, start)) >= 0:
        end = found + SECRET_PREFIX_SHOWN
        while end < len(text) and end - found < len(secret) and text[end] == secret[end - found]:
            end += 1  # as far as the text goes on like the secret
        parts += [text[start:found], MASK]
        start = end
    return "".join(parts) + text[start:]


def redact_secrets(text: Any, secrets: Iterable[str | None] = ()) -> str:
    """``text`` (an error body, a message) with the given secrets, any Bearer, Basic or
    Authorization token, key-like strings (sk-...) and URL credentials masked."""
    text = str(text)
    for secret in sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True):
        text = _mask_prefixes(text.replace(secret, MASK), secret)
    text = _NAMED_SECRET.sub(lambda m: m.group(1) + m.group(2) + MASK, text)
    text = _SCHEME_TOKEN.sub(lambda m: m.group().split()[0] + " " + MASK, text)
    text = _KEY_LIKE.sub(MASK, text)
    return _URL_CREDENTIALS.sub(r"\1", text)


# "webhook": webhook URLs carry their token in the path.
SECRET_SETTING_WORDS = ("api_key", "password", "secret", "token", "webhook")


def shown_setting(name: str, value: Any) -> str:
    """A setting's value fit to print: secrets as ``•••• (set, hidden)`` (empty when unset),
    URLs without credentials, controls made visible."""
    if any(word in name.lower() for word in SECRET_SETTING_WORDS):
        return f"{MASK} (set, hidden)" if value else ""
    text = str(value)
    if "://" in text:
        text = redact_url(text)
    return visible(text)

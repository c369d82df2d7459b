"""Deliver a firing: email (SMTP), webhook (JSON, Slack or Teams) or a file in the outbox.

:func:`deliver` never raises: whatever goes wrong (no server, a timeout, HTTP 500, a
missing setting, a full disk) comes back as ``Delivery(ok=False, detail=<one line>)`` so
that one broken channel never stops the other actions of a rule, nor the run that checked
it. Details name a webhook by its name and host only and never carry the SMTP password:
they are stored with the firing and shown on the dashboard.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import smtplib
import ssl
import tempfile
import urllib.error
import urllib.request
from datetime import datetime
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from analysis.rules.model import Action, Delivery, Firing, Post
from loaders.config import Settings
from loaders.safe_text import BIDI_CONTROLS, markdown_literal, redact_secrets

POST_CHARS = 280  # a post quoted in a message: about a tweet, enough to tell what it is about
MAX_POSTS = 3
SUBJECT_CHARS = 200  # mail clients cut subjects long before this anyway
# Control characters (C0, C1) and bidi controls: in a plain-text message they would break
# lines, ring bells, move the cursor of a terminal mail reader or reorder the text around.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f" + "".join(sorted(BIDI_CONTROLS)) + "]")
# Deliberately simple: one @, no spaces, no characters that would make a header hold a
# second address or a second header. The mail server has the final word.
_ADDRESS = re.compile(r"[^@\s<>()\[\],;:\"\\]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?")


# --- plain text ----------------------------------------------------------------------------------
def plain(text: Any, limit: int = POST_CHARS) -> str:
    """``text`` on one line: controls removed, whitespace runs as one space, cut to ``limit``."""
    line = " ".join(_CONTROLS.sub(" ", str(text)).split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def _number(value: Any, percent: bool) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return plain(value, 120)
    if percent:
        return f"{value:.0%}"
    return f"{value:,}" if isinstance(value, int) else f"{value:,.2f}"


def _is_share(name: str, value: Any) -> bool:
    # Shares and rates are stored as 0..1 fractions; people read them as percentages.
    words = ("share", "rate", "percent")
    return any(w in name for w in words) and isinstance(value, float) and 0 <= value <= 1


def figure_lines(figures: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, value) per figure, e.g. ("negative share", "56% (was 29%)").

    A figure ``x`` with a companion ``x_was``, ``previous_x`` or ``baseline_x`` is shown
    with it in brackets; a figure given as ``{"value": .., "was": ..}`` likewise."""
    companions = {f"{prefix}{name}" for name in figures for prefix in ("previous_", "baseline_")}
    companions |= {f"{name}_was" for name in figures}
    lines = []
    for name, value in figures.items():
        if name in companions:
            continue
        was = None
        if isinstance(value, dict) and "value" in value:
            value, was = value["value"], value.get("was")
        else:
            for key in (f"{name}_was", f"previous_{name}", f"baseline_{name}"):
                was = figures.get(key, was)
        share = _is_share(name, value) and (was is None or _is_share(name, was))
        shown = _number(value, share)
        if was is not None:
            shown += f" (was {_number(was, share)})"
        lines.append((plain(name.replace("_", " "), 80), shown))
    return lines


def _post_line(post: Post) -> str:
    label = f"[{plain(post.label, 20)}] " if post.label else ""
    day = f"{post.created_at:%Y-%m-%d} " if post.created_at else ""
    url = f" ({plain(post.url, 200)})" if post.url else ""
    return f"{label}{day}{plain(post.text)}{url}"


def message(firing: Firing) -> tuple[str, str]:
    """Subject (one line: the rule and why it fired) and plain-text body of a firing."""
    subject = plain(f"[Brandpulse] {firing.rule}: {firing.why}", SUBJECT_CHARS)
    lines = [
        f'Rule "{plain(firing.rule, 200)}" fired for {plain(firing.window, 100)}.',
        plain(firing.why, 1000),
        "",
    ]
    figures = figure_lines(firing.figures)
    if figures:
        lines += ["Figures:"] + [f"  {name}: {value}" for name, value in figures] + [""]
    lines.append(f"Matched posts: {firing.documents:,}")
    posts = firing.posts[:MAX_POSTS]
    if posts:
        lines += ["", f"{'The first post' if len(posts) == 1 else 'Some of them'}:"]
        lines += [f"  - {_post_line(post)}" for post in posts]
    if firing.link:
        lines += ["", f"Open the dashboard: {plain(firing.link, 2000)}"]
    return subject, "\n".join(lines) + "\n"


# --- bodies --------------------------------------------------------------------------------------
def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def json_body(firing: Firing) -> dict[str, Any]:
    """The generic JSON object of a firing (webhook style "json" and the outbox file)."""
    return {
        "rule": firing.rule,
        "window": firing.window,
        "why": firing.why,
        "figures": firing.figures,
        "documents": firing.documents,
        "posts": [post.as_json() for post in firing.posts[:MAX_POSTS]],
        "link": firing.link,
        "fired_at": _iso(firing.fired_at),
        "firing_id": firing.firing_id,
    }


def _web_link(link: str) -> str | None:
    """``link`` fit for a button or Markdown link: http(s) only, no character that would end
    the link early (space, quotes, brackets, |, <, >) left unencoded."""
    if urlsplit(link).scheme.lower() not in ("http", "https"):
        return None
    return quote(link, safe=":/?#@!$&'*+,;=%-._~") if link else None


def _slack(text: Any, limit: int = POST_CHARS) -> str:
    # Slack's rules: &, < and > are the only characters to escape; "<" unescaped would
    # start a link or a mention such as <!channel>.
    return plain(text, limit).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_body(firing: Firing) -> dict[str, Any]:
    """A Slack incoming-webhook message: ``text`` (notifications) and mrkdwn ``blocks``."""
    title = f"*{_slack(firing.rule, 150)}* fired for {_slack(firing.window, 100)}"
    blocks: list[dict[str, Any]] = [
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": f"{title}\n{_slack(firing.why, 1000)}"},
        }
    ]
    figures = [f"*{_slack(n, 80)}*: {_slack(v, 120)}" for n, v in figure_lines(firing.figures)]
    figures.append(f"*matched posts*: {firing.documents:,}")
    blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(figures)}})
    for post in firing.posts[:MAX_POSTS]:
        quoted = "> " + _slack(_post_line(post), POST_CHARS + 240)
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": quoted}})
    link = _web_link(firing.link)
    if link:
        blocks.append(
            {"type": "section", "text": {"type": "mrkdwn", "text": f"<{link}|Open the dashboard>"}}
        )
    return {"text": f"{_slack(firing.rule, 150)}: {_slack(firing.why, 1000)}", "blocks": blocks}


def teams_body(firing: Firing) -> dict[str, Any]:
    """A Teams incoming-webhook MessageCard. Teams reads Markdown and some HTML in its text
    fields: user text goes through markdown_literal (escapes both)."""
    facts = [
        {"name": markdown_literal(n), "value": markdown_literal(v)}
        for n, v in figure_lines(firing.figures)
    ]
    facts.append({"name": "matched posts", "value": f"{firing.documents:,}"})
    posts = "\n\n".join(f"> {markdown_literal(_post_line(p))}" for p in firing.posts[:MAX_POSTS])
    card: dict[str, Any] = {
        "@type": "MessageCard",
        "@context": "https://schema.org/extensions",
        "summary": markdown_literal(plain(f"{firing.rule}: {firing.why}", SUBJECT_CHARS)),
        "themeColor": "D9534F",
        "title": markdown_literal(plain(f"{firing.rule} fired for {firing.window}", 200)),
        "text": markdown_literal(plain(firing.why, 1000)),
        "sections": [{"facts": facts}] + ([{"text": posts}] if posts else []),
    }
    link = _web_link(firing.link)
    if link:
        target = {"os": "default", "uri": link}
        card["potentialAction"] = [
            {"@type": "OpenUri", "name": "Open the dashboard", "targets": [target]}
        ]
    return card


# --- channels ------------------------------------------------------------------------------------
def _failed(action: Action, what: str, settings: Settings) -> Delivery:
    """A failure on one line with every secret we know of masked."""
    urls = [url for _, url in _webhooks(settings.webhooks).values()]
    detail = redact_secrets(plain(what, 500), [settings.smtp_password, *urls])
    return Delivery(action, False, detail)


def _error_text(error: BaseException) -> str:
    """What went wrong, in a few words: "timed out", "Connection refused", ..."""
    reason = getattr(error, "reason", error)  # urllib's URLError wraps the socket's error
    if isinstance(error, TimeoutError) or isinstance(reason, TimeoutError):
        return "timed out"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    return str(reason) or type(error).__name__


def _loopback(host: str) -> bool:
    """Whether ``host`` is this machine (a password sent to it never crosses a network)."""
    if host.lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def send_email(firing: Firing, action: Action, settings: Settings) -> Delivery:
    """Send the firing's message to ``action.target`` through ``settings.smtp_host``."""
    to = (action.target or "").strip()
    if not _ADDRESS.fullmatch(to):
        return _failed(
            action, f"email: {to!r} is not an email address. Fix: edit the rule's action.", settings
        )
    if not settings.smtp_host:
        return _failed(
            action,
            "email: no mail server. Fix: set BRANDPULSE_SMTP_HOST (and SMTP_PORT, SMTP_USER, SMTP_PASSWORD).",
            settings,
        )
    if settings.smtp_user and not settings.smtp_starttls and settings.smtp_port != 465:
        if not _loopback(settings.smtp_host):
            return _failed(
                action,
                f"email: the password for {settings.smtp_host} would cross the network unencrypted. Fix: set BRANDPULSE_SMTP_STARTTLS=true or BRANDPULSE_SMTP_PORT=465, or relay through a local server.",
                settings,
            )
    subject, body = message(firing)
    mail = EmailMessage()
    mail["Subject"], mail["From"], mail["To"] = subject, settings.smtp_from, to
    mail["Message-ID"] = make_msgid(domain=settings.smtp_from.rpartition("@")[2] or None)
    mail.set_content(body)
    host, port, timeout = settings.smtp_host, settings.smtp_port, settings.delivery_timeout_s
    where = f"{host}:{port}"
    try:
        # Port 465 speaks TLS from the first byte; the others upgrade with STARTTLS.
        if port == 465:
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                host, port, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            smtp = smtplib.SMTP(host, port, timeout=timeout)
        with smtp:
            if settings.smtp_starttls and port != 465:
                smtp.starttls(context=ssl.create_default_context())
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password)
            smtp.send_message(mail)
    except smtplib.SMTPNotSupportedError:
        return _failed(
            action,
            f"email to {to}: {where} does not offer STARTTLS. Fix: set BRANDPULSE_SMTP_STARTTLS=false for a trusted local relay only.",
            settings,
        )
    except smtplib.SMTPResponseException as error:
        text = (
            error.smtp_error.decode("utf-8", "replace")
            if isinstance(error.smtp_error, bytes)
            else str(error.smtp_error)
        )
        return _failed(
            action, f"email to {to}: {where} answered {error.smtp_code} {text}", settings
        )
    except (OSError, smtplib.SMTPException) as error:
        after = f" after {timeout:g} s" if "timed out" in _error_text(error) else ""
        return _failed(action, f"email to {to}: {where}: {_error_text(error)}{after}", settings)
    return Delivery(action, True, f"email to {to} via {host}")


def _webhooks(setting: str) -> dict[str, tuple[str, str]]:
    """Name -> (host, url) of the setting ``webhooks`` ("name=url,name2=url2")."""
    found = {}
    for item in setting.split(","):
        name, _, url = item.partition("=")
        # A name is a plain word: "https://x/hook?token" (an unnamed URL) is no name, and its
        # pieces must never be shown as one.
        if re.fullmatch(r"[A-Za-z0-9_.-]+", name.strip()) and url.strip():
            found[name.strip()] = (urlsplit(url.strip()).hostname or "?", url.strip())
    return found


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect would turn the POST into a GET and a 200 would look delivered: refuse it."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001, D102
        raise urllib.error.HTTPError(req.full_url, code, f"redirected ({msg})", headers, fp)


def _body(firing: Firing, style: str) -> dict[str, Any] | None:
    return {"json": json_body, "slack": slack_body, "teams": teams_body}.get(style, lambda _: None)(
        firing
    )


def post_webhook(firing: Firing, action: Action, settings: Settings) -> Delivery:
    """POST the firing as JSON (style json, slack or teams) to the webhook ``action.target``."""
    hooks = _webhooks(settings.webhooks)
    name = (action.target or "").strip()
    if name not in hooks:
        known = ", ".join(sorted(hooks)) or "none"
        return _failed(
            action,
            f"webhook {name!r} is not in the setting webhooks (known: {known}). Fix: add {name or 'name'}=<url> to BRANDPULSE_WEBHOOKS.",
            settings,
        )
    host, url = hooks[name]
    where = f"webhook {name!r} ({host})"
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        return _failed(
            action,
            f"{where}: only http and https URLs are posted to. Fix: correct BRANDPULSE_WEBHOOKS.",
            settings,
        )
    body = _body(firing, action.style)
    if body is None:
        return _failed(
            action, f"{where}: unknown style {action.style!r} (json, slack or teams).", settings
        )
    data = json.dumps(body, default=str, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(
        url, data=data, method="POST", headers={"Content-Type": "application/json; charset=utf-8"}
    )
    timeout = settings.delivery_timeout_s
    try:
        opener = urllib.request.build_opener(_NoRedirects)
        with opener.open(request, timeout=timeout) as response:
            response.read(64 * 1024)  # drain a little so the server sees a clean close
            status = response.status
    except urllib.error.HTTPError as error:
        return _failed(action, f"{where}: HTTP {error.code} {plain(error.reason, 100)}", settings)
    except (OSError, ValueError) as error:  # URLError is an OSError; ValueError: a malformed URL
        problem = _error_text(error)
        after = f" after {timeout:g} s (delivery_timeout_s)" if problem == "timed out" else ""
        return _failed(action, f"{where}: {problem}{after}", settings)
    if not 200 <= status < 300:
        return _failed(action, f"{where}: HTTP {status}", settings)
    return Delivery(action, True, f"{where}: HTTP {status}")


# --- outbox --------------------------------------------------------------------------------------
def slug(text: str, limit: int = 60) -> str:
    """``text`` as a file-name part: lower-case letters, digits and single dashes."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:limit].strip("-") or "x"


def markdown(firing: Firing) -> str:
    """The firing as a Markdown document; every piece of user text escaped (markdown_literal)."""
    lines = [f"# {markdown_literal(firing.rule)} fired for {markdown_literal(firing.window)}", ""]
    lines += [markdown_literal(firing.why), "", "| figure | value |", "|---|---|"]
    for name, value in figure_lines(firing.figures):
        lines.append(f"| {markdown_literal(name)} | {markdown_literal(value)} |")
    lines += [f"| matched posts | {firing.documents:,} |", ""]
    for post in firing.posts[:MAX_POSTS]:
        lines += [f"> {markdown_literal(_post_line(post))}", ""]
    link = _web_link(firing.link)
    if link:
        lines.append(f"[Open the dashboard](<{link}>)")
    lines.append(f"\nFired at {firing.fired_at.isoformat()}.")
    return "\n".join(lines) + "\n"


def _write_atomic(path: Path, text: str) -> None:
    # A reader (a sync job, a mail-merge script) never sees half a file: write aside, rename.
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def write_file(firing: Firing, action: Action, settings: Settings) -> Delivery:
    """Write ``<outbox>/<time>-<rule>-<window>.json`` and ``.md``; detail is the JSON path."""
    outbox = Path(settings.alert_outbox).expanduser()
    stem = f"{firing.fired_at:%Y%m%dT%H%M%S}-{slug(firing.rule)}-{slug(firing.window)}"
    try:
        outbox.mkdir(parents=True, exist_ok=True)
        number = 1
        base = stem
        while (outbox / f"{stem}.json").exists() or (outbox / f"{stem}.md").exists():
            number += 1  # two firings in one second keep both files
            stem = f"{base}-{number}"
        data = json.dumps(json_body(firing), default=str, ensure_ascii=False, indent=2)
        _write_atomic(outbox / f"{stem}.json", data + "\n")
        _write_atomic(outbox / f"{stem}.md", markdown(firing))
    except OSError as error:
        return _failed(
            action,
            f"file in {outbox}: {_error_text(error)}. Fix: set BRANDPULSE_ALERT_OUTBOX to a writable folder.",
            settings,
        )
    return Delivery(action, True, str(outbox / f"{stem}.json"))


_CHANNELS = {"email": send_email, "webhook": post_webhook, "file": write_file}


def deliver(firing: Firing, action: Action, settings: Settings) -> Delivery:
    """Carry out one action for one firing. Never raises: failures are ``ok=False``."""
    channel = _CHANNELS.get(action.kind)
    if channel is None:
        return Delivery(
            action, False, f"unknown action {plain(action.kind, 40)!r} (email, webhook or file)"
        )
    try:
        return channel(firing, action, settings)
    except Exception as error:  # noqa: BLE001 (a bug in one channel must not stop the others)
        return _failed(action, f"{action.kind}: {type(error).__name__}: {error}", settings)

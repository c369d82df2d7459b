"""Serving the dashboard: Streamlit in this process, behind a Host-header check.

`brandpulse dashboard` used to start `streamlit run` as a child process. That child kept
serving when the parent got SIGTERM, and Streamlit serves any Host header, so a web page
using DNS rebinding (its own name resolving to 127.0.0.1) could drive the dashboard, SQL
box included. Here Streamlit runs in-process through its public ``st.App`` API (uvicorn,
which stops on SIGINT and SIGTERM), and :class:`HostCheck`, an ASGI middleware placed in
front of Streamlit's own, answers 403 to any request or websocket whose Host is not a
local name or one the user allowed.
"""

from __future__ import annotations

import ipaddress
import logging
import os
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from pathlib import Path
from typing import Any

from loaders.config import Settings
from loaders.errors import ConfigError, explain

APP_SCRIPT = Path(__file__).with_name("app.py")
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
# Addresses that listen on every interface: reachable from the network.
_ANY_ADDRESS = frozenset({"0.0.0.0", "::", ""})  # noqa: S104 - names, not a bind

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

log = logging.getLogger("brandpulse")


def host_name(header: str) -> str:
    """The name in a Host header, without port, brackets, trailing dot or case:
    'LocalHost.:8501' -> 'localhost', '[::1]:8501' -> '::1'."""
    value = header.strip().lower()
    if value.startswith("["):  # an IPv6 literal: [::1]:8501
        return value[1 : value.find("]")] if "]" in value else ""
    name = value.rsplit(":", 1)[0] if value.count(":") == 1 else value
    return name.rstrip(".")


def allowed_hosts(settings: Settings) -> frozenset[str]:
    """Local names, the configured extra names, and the address the dashboard listens on
    when it is one specific address (an IP literal cannot be rebound by DNS)."""
    extra = {host_name(name) for name in settings.dashboard_allowed_hosts.split(",")}
    address = settings.dashboard_address.strip().lower()
    if address not in _ANY_ADDRESS:
        extra.add(host_name(f"[{address}]" if ":" in address else address))
    return LOCAL_HOSTS | {name for name in extra if name}


class HostCheck:
    """ASGI middleware: 403 for HTTP requests and websocket handshakes with a foreign Host."""

    def __init__(self, app: ASGIApp, allowed: Iterable[str]) -> None:
        self.app = app
        self.allowed = frozenset(allowed)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)  # lifespan events carry no Host
            return
        headers = dict(scope.get("headers") or [])
        host = headers.get(b"host", b"").decode("latin-1")
        if host_name(host) in self.allowed:
            await self.app(scope, receive, send)
            return
        log.warning("refused a request for Host %r (not in dashboard_allowed_hosts)", host[:100])
        if scope["type"] == "websocket":
            # Closing before accepting makes the server answer the handshake with HTTP 403.
            await send({"type": "websocket.close", "code": 1008})
            return
        body = (
            f"Host '{host[:100]}' is not served by this dashboard. Fix: open it as "
            "http://localhost:<port>, or add the name to BRANDPULSE_DASHBOARD_ALLOWED_HOSTS.\n"
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 403,
                "headers": [
                    (b"content-type", b"text/plain; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def is_local_address(address: str) -> bool:
    """True when ``address`` only accepts connections from this machine."""
    name = address.strip().lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name.strip("[]")).is_loopback
    except ValueError:
        return False


def check_exposure(settings: Settings) -> None:
    """Refuse to listen beyond this machine without a password: anyone on the network
    could otherwise read every post and run SQL on the database."""
    if is_local_address(settings.dashboard_address) or settings.dashboard_password:
        return
    raise ConfigError(
        explain(
            f"The dashboard would listen on {settings.dashboard_address!r}, reachable from "
            "the network, without a password",
            expected="dashboard_address 'localhost', or a dashboard_password",
            found="no BRANDPULSE_DASHBOARD_PASSWORD",
            fix="set BRANDPULSE_DASHBOARD_PASSWORD (environment, not the TOML file), or "
            "serve on localhost.",
        )
    )


def streamlit_config(settings: Settings, port: int) -> dict[str, Any]:
    """Streamlit options for the dashboard (what `streamlit run` flags used to set)."""
    return {
        "server.port": port,
        "server.address": settings.dashboard_address,
        "server.headless": True,
        "browser.gatherUsageStats": False,
        "client.toolbarMode": "viewer",
        # Tables' own CSV download keeps formulas (=HYPERLINK...): ui.download is the safe one.
        "client.disableDataExport": True,
        "server.maxUploadSize": settings.upload_limit_mb,
        # Streamlit's default primary colour is red: every primary button ("Run the
        # analysis", "Approve") looked like a danger button. Red stays for deleting.
        "theme.primaryColor": "#1f6feb",
    }


def build_app(settings: Settings) -> Any:
    """The Streamlit ASGI app of the dashboard with the Host check in front of it."""
    import streamlit as st
    from starlette.middleware import Middleware

    if not hasattr(st, "App"):  # pragma: no cover - guards a Streamlit downgrade
        raise ConfigError(
            f"Streamlit {st.__version__} has no st.App, which the dashboard's Host check "
            "needs. Fix: install streamlit>=1.67 (pip install -U streamlit)."
        )
    return st.App(
        str(APP_SCRIPT), middleware=[Middleware(HostCheck, allowed=allowed_hosts(settings))]
    )


def serve(settings: Settings, port: int) -> None:
    """Serve the dashboard in this process until Ctrl+C or SIGTERM."""
    check_exposure(settings)
    # The pages read the database the dashboard was started on from the environment.
    os.environ["BRANDPULSE_DB"] = str(Path(settings.db).resolve())
    build_app(settings).run(config=streamlit_config(settings, port))

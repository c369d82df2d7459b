"""The dashboard server against hostile clients: foreign Host headers (DNS rebinding), a
shared dashboard's password, SIGTERM, and the files it leaves on disk (issue 15, 10/13/14).

The server tests start the real `brandpulse dashboard` in a subprocess on a free port and
talk to it over raw sockets, as a rebinding web page's browser would.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import pytest
from streamlit.proto.TextInput_pb2 import TextInput as TextInputProto
from streamlit.testing.v1 import AppTest

from dashboard.server import HostCheck, allowed_hosts, check_exposure, host_name
from loaders.config import Settings
from loaders.errors import ConfigError
from tests.conftest import REPO

APP = str(REPO / "dashboard" / "app.py")
WS_KEY = "dGhlIHNhbXBsZSBub25jZQ=="  # RFC 6455's sample key


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("localhost", 0))
        return s.getsockname()[1]


def raw_request(port: int, path: str, host: str, *, websocket: bool = False) -> str:
    """Send one HTTP/1.1 request with the given Host (and websocket upgrade headers);
    return the status line of the answer."""
    lines = [f"GET {path} HTTP/1.1", f"Host: {host}", "Connection: close"]
    if websocket:
        lines[2] = "Connection: Upgrade"
        lines += ["Upgrade: websocket", "Sec-WebSocket-Version: 13", f"Sec-WebSocket-Key: {WS_KEY}"]
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        answer = b""
        while b"\r\n" not in answer:
            chunk = conn.recv(4096)
            if not chunk:
                break
            answer += chunk
    return answer.split(b"\r\n", 1)[0].decode()


def start_dashboard(db: Path, port: int, env: dict[str, str] | None = None) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "dashboard.cli", "dashboard", "--db", str(db), "--port", str(port)],
        cwd=REPO,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if raw_request(port, "/_stcore/health", f"localhost:{port}").endswith("200 OK"):
                return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    pytest.fail(f"the dashboard did not start within 60 s: {process.communicate()[1][-2000:]!r}")


def port_open(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="module")
def dashboard_port(tmp_path_factory):
    db = tmp_path_factory.mktemp("server") / "empty.duckdb"
    port = free_port()
    process = start_dashboard(db, port, {"BRANDPULSE_DASHBOARD_ALLOWED_HOSTS": "insights.lan"})
    yield port
    process.terminate()
    process.wait(timeout=20)


# --- item 10: Host header ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("localhost:8501", "localhost"),
        ("LocalHost.:8501", "localhost"),
        ("127.0.0.1", "127.0.0.1"),
        ("[::1]:8501", "::1"),
        ("evil.example:8501", "evil.example"),
        ("localhost.evil.example", "localhost.evil.example"),
        ("[::1", ""),
        ("", ""),
    ],
)
def test_host_name_parses_ports_brackets_case_and_dots(header, name):
    assert host_name(header) == name


def test_allowed_hosts_are_local_names_plus_configured_ones():
    plain = Settings()
    assert allowed_hosts(plain) == {"localhost", "127.0.0.1", "::1"}
    shared = Settings(
        dashboard_address="192.168.1.20", dashboard_allowed_hosts=" Insights.LAN , ,x.io:80"
    )
    assert allowed_hosts(shared) == {
        *("localhost", "127.0.0.1", "::1", "insights.lan", "x.io"),
        "192.168.1.20",  # the one address it listens on: an IP literal cannot be rebound
    }
    assert "0.0.0.0" not in allowed_hosts(Settings(dashboard_address="0.0.0.0"))  # noqa: S104


def call_asgi(scope_type: str, host: bytes | None) -> list[dict]:
    """Run HostCheck around an app that records being reached; return what was sent."""
    sent: list[dict] = []

    async def inner(scope, receive, send):
        sent.append({"type": "reached"})

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "websocket.connect"}

    headers = [(b"host", host)] if host is not None else []
    scope = {"type": scope_type, "headers": headers, "path": "/"}
    asyncio.run(HostCheck(inner, {"localhost"})(scope, receive, send))
    return sent


def test_host_check_middleware_refuses_foreign_and_missing_hosts():
    assert call_asgi("http", b"localhost:1") == [{"type": "reached"}]
    assert call_asgi("websocket", b"localhost:1") == [{"type": "reached"}]
    refused = call_asgi("http", b"evil.example")
    assert refused[0]["status"] == 403
    assert b"Host 'evil.example' is not served" in refused[1]["body"]
    assert call_asgi("http", None)[0]["status"] == 403
    assert call_asgi("websocket", b"evil.example") == [{"type": "websocket.close", "code": 1008}]
    assert call_asgi("lifespan", None) == [{"type": "reached"}]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("path", "host", "websocket", "status"),
    [
        ("/", "evil.example", False, "403 Forbidden"),
        ("/", "evil.example:{port}", False, "403 Forbidden"),
        ("/_stcore/health", "localhost.evil.example", False, "403 Forbidden"),
        ("/_stcore/stream", "evil.example:{port}", True, "403 Forbidden"),
        ("/", "localhost:{port}", False, "200 OK"),
        ("/", "127.0.0.1:{port}", False, "200 OK"),
        ("/_stcore/health", "[::1]:{port}", False, "200 OK"),
        ("/_stcore/health", "insights.lan:{port}", False, "200 OK"),
        ("/_stcore/stream", "localhost:{port}", True, "101 Switching Protocols"),
    ],
)
def test_real_server_serves_only_allowed_hosts(dashboard_port, path, host, websocket, status):
    """Pinned against the installed Streamlit: if an upgrade drops st.App's middleware,
    the foreign-Host cases fail here."""
    line = raw_request(dashboard_port, path, host.format(port=dashboard_port), websocket=websocket)
    assert line == f"HTTP/1.1 {status}"


def test_network_address_without_password_is_refused():
    with pytest.raises(ConfigError) as refused:
        check_exposure(Settings(dashboard_address="0.0.0.0"))  # noqa: S104
    assert str(refused.value).startswith(
        "The dashboard would listen on '0.0.0.0', reachable from the network, without a password."
    )
    check_exposure(Settings(dashboard_address="0.0.0.0", dashboard_password="s3cret"))  # noqa: S104
    check_exposure(Settings(dashboard_address="127.0.0.2"))
    check_exposure(Settings())


def test_cli_refuses_a_network_address_without_password_in_one_line(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "dashboard.cli", "dashboard", "--db", str(tmp_path / "x.duckdb")],
        cwd=REPO,
        env={**os.environ, "BRANDPULSE_DASHBOARD_ADDRESS": "0.0.0.0"},  # noqa: S104
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    message = done.stderr.strip()
    assert len(message.splitlines()) == 1, message
    assert "without a password" in message
    assert "Traceback" not in done.stderr


def test_settings_repr_never_shows_the_password():
    assert "s3cret" not in repr(Settings(dashboard_password="s3cret"))


# --- item 10: the password gate ---------------------------------------------------------


def is_password(widget) -> bool:
    return widget.proto.type == TextInputProto.PASSWORD


def gated_app(monkeypatch, tmp_path, password: str) -> AppTest:
    monkeypatch.setenv("BRANDPULSE_DB", str(tmp_path / "gate.duckdb"))
    monkeypatch.setenv("BRANDPULSE_DASHBOARD_PASSWORD", password)
    app = AppTest.from_file(APP, default_timeout=60)
    app.run()
    return app


def test_password_gate_hides_every_page_until_the_password_is_entered(monkeypatch, tmp_path):
    app = gated_app(monkeypatch, tmp_path, "correct horse")
    assert not app.exception
    assert [t.value for t in app.title] == ["Brandpulse"]
    assert len(app.text_input) == 1 and is_password(app.text_input[0])
    assert not app.sidebar.selectbox and not app.metric  # no filter bar, no page

    app.text_input[0].input("wrong horse")
    app.button[0].click()
    app.run()
    assert [e.value for e in app.error] == ["Wrong password."]
    assert app.session_state["brandpulse_password"] == "wrong horse"
    assert len(app.text_input) == 1 and not app.metric

    app.text_input[0].input("correct horse")
    app.button[0].click()
    app.run()
    assert not app.exception and not app.error
    assert app.session_state["brandpulse_unlocked"] is True
    assert "brandpulse_password" not in app.session_state  # the password is not kept
    assert not [t for t in app.text_input if is_password(t)]
    assert "Brandpulse" not in [t.value for t in app.title]  # the Overview page is shown


def test_no_password_means_no_gate(monkeypatch, tmp_path):
    app = gated_app(monkeypatch, tmp_path, "")
    assert not app.exception
    assert not [t for t in app.text_input if is_password(t)]


# --- item 14: SIGTERM stops the server --------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_signal_stops_the_dashboard_and_frees_the_port(tmp_path, signum):
    port = free_port()
    secret = "hunter2-never-logged"
    process = start_dashboard(
        tmp_path / "stop.duckdb", port, {"BRANDPULSE_DASHBOARD_PASSWORD": secret}
    )
    # Streamlit runs in this process: there is no child that could outlive it.
    assert psutil.Process(process.pid).children(recursive=True) == []
    started = time.monotonic()
    process.send_signal(signum)
    process.wait(timeout=10)
    assert time.monotonic() - started < 10
    assert not port_open(port)
    assert not psutil.pid_exists(process.pid) or psutil.Process(process.pid).status() == "zombie"
    logged = process.stdout.read().decode() + process.stderr.read().decode()
    assert f"localhost:{port}" in logged  # what it printed was read
    assert "Traceback" not in logged and secret not in logged


# --- item 13: uploads are private copies, removed after the ingest ----------------------


def upload_dirs(folder: Path) -> list[Path]:
    return sorted(folder.glob("brandpulse-upload-*"))


def test_data_page_upload_is_private_and_removed_after_the_ingest(monkeypatch, tmp_path):
    import tempfile

    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    previous = os.umask(0o022)  # the usual umask: without care the copy would be 0644
    try:
        monkeypatch.setenv("BRANDPULSE_DB", str(tmp_path / "uploads.duckdb"))
        app = AppTest.from_file(APP, default_timeout=60)
        app.run()
        app.switch_page("views/data.py")
        app.run()
        csv = b"date,text\n2025-11-03,Loved it\n2025-11-04,Hated it\n"
        app.file_uploader[0].upload("../../etc/shop.csv", csv, "text/csv")
        app.run()
        assert not app.exception
        (folder,) = upload_dirs(temp)
        assert folder.name.startswith(f"brandpulse-upload-{os.getpid()}-")
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        copy = folder / "shop.csv"  # the name without its folders
        assert copy.read_bytes() == csv and stat.S_IMODE(copy.stat().st_mode) == 0o600

        next(b for b in app.button if b.label == "Ingest").click()
        app.run()
        assert not app.exception
        assert "shop.csv: read 2 rows: 2 inserted" in app.success[0].value
        assert upload_dirs(temp) == []  # removed right after the ingest
        app.run()  # the uploader was emptied: the next run makes no new copy
        assert upload_dirs(temp) == [] and not app.file_uploader[0].value
    finally:
        os.umask(previous)


@pytest.mark.parametrize("name", ["..", ".", "a/..", "..\\..", ""])
def test_an_upload_named_like_a_folder_is_copied_under_a_fixed_name(name):
    from dashboard.uploads import copy_name

    assert copy_name(name) == "upload"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/shop.csv", "shop.csv"),
        ("C:\\fakepath\\shop.xlsx", "shop.xlsx"),
        ("..\\..\\shop.json", "shop.json"),
        ("shop.csv", "shop.csv"),
        ("../.csv", "upload.csv"),
        (".hidden.csv", "upload.hidden.csv"),
    ],
)
def test_an_upload_keeps_only_its_own_name(name, expected):
    from dashboard.uploads import copy_name

    assert copy_name(name) == expected


def open_uploads_page(monkeypatch, tmp_path) -> tuple[AppTest, Path]:
    import tempfile

    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    monkeypatch.setenv("BRANDPULSE_DB", str(tmp_path / "uploads.duckdb"))
    app = AppTest.from_file(APP, default_timeout=60)
    app.run()
    app.switch_page("views/data.py")
    app.run()
    return app, temp


def test_an_upload_named_dot_dot_is_copied_inside_its_private_folder(monkeypatch, tmp_path):
    """Streamlit itself refuses '..' (no allowed extension) in the uploader, so the copy is
    checked straight: it must land inside the private folder, never name the one above."""
    from types import SimpleNamespace

    from dashboard import uploads

    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    monkeypatch.setattr(uploads.st, "session_state", {})
    upload = SimpleNamespace(file_id="f1", name="..", getvalue=lambda: b"date,text\n")
    path = uploads.private_copy(upload)
    (folder,) = upload_dirs(temp)
    assert path == folder / "upload" and path.read_bytes() == b"date,text\n"
    assert sorted(p.name for p in temp.iterdir()) == [folder.name]  # nothing beside it
    uploads.discard("f1")
    assert upload_dirs(temp) == []


def test_a_previewed_upload_is_removed_when_replaced_or_cleared(monkeypatch, tmp_path):
    app, temp = open_uploads_page(monkeypatch, tmp_path)
    app.file_uploader[0].upload("first.csv", b"date,text\n2025-11-03,One\n", "text/csv")
    app.run()
    (first,) = upload_dirs(temp)
    assert (first / "first.csv").is_file()
    app.file_uploader[0].upload("second.csv", b"date,text\n2025-11-03,Two\n", "text/csv")
    app.run()
    (second,) = upload_dirs(temp)  # the first file's copy went when the second replaced it
    assert second != first and [p.name for p in second.iterdir()] == ["second.csv"]
    app.file_uploader[0].set_value(None)  # the user clears the uploader, never ingesting
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert upload_dirs(temp) == []

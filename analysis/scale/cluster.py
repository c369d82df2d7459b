"""Connecting to Ray for engine='ray', with one-line errors instead of Ray's long waits.

Ray is imported here and only here on the driver, and only when engine='ray' asks for it.
An address is checked with a plain TCP connection first: Ray itself retries an unreachable
head for minutes before it fails.
"""

from __future__ import annotations

import contextlib
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from loaders.config import Settings
from loaders.errors import ClusterError, explain

CONNECT_TIMEOUT_S = 5.0
DEFAULT_PORT = 6379  # a Ray head's GCS port; ray:// (Ray Client) addresses default to 10001
# Where this Brandpulse is imported from: the actors import the same code.
CODE_ROOT = Path(__file__).resolve().parent.parent.parent


def import_ray() -> Any:
    try:
        import ray
    except ImportError:
        raise ClusterError(
            explain(
                "engine='ray' needs Ray, which is not installed",
                expected="the ray package with Ray Data",
                found="no module named 'ray'",
                fix="pip install 'brandpulse[ray]' (or \"ray[data]\"), or set engine='local'.",
            )
        ) from None
    return ray


def _host_port(address: str) -> tuple[str, int] | None:
    """Host and port to probe, or None for addresses Ray resolves itself ('auto', 'local')."""
    if address in ("auto", "local"):
        return None
    client = address.startswith("ray://")
    rest = address.removeprefix("ray://")
    host, _, port = rest.rpartition(":") if ":" in rest else (rest, "", "")
    try:
        return host.strip("[]"), int(port) if port else (10001 if client else DEFAULT_PORT)
    except ValueError:
        raise ClusterError(
            explain(
                f"Setting 'ray_address' is not an address: {address!r}",
                expected="host:port of the Ray head, e.g. 10.0.0.5:6379, or ray://host:10001",
                fix="correct ray_address (BRANDPULSE_RAY_ADDRESS, --address).",
            )
        ) from None


def check_reachable(address: str) -> None:
    """Raise ClusterError when nothing listens at ``address`` (within a few seconds)."""
    target = _host_port(address)
    if target is None:
        return
    try:
        with socket.create_connection(target, timeout=CONNECT_TIMEOUT_S):
            pass
    except OSError as error:
        raise ClusterError(
            explain(
                f"Cannot reach the Ray cluster at {address}",
                expected="a running Ray head (`ray start --head`) listening there",
                found=f"{type(error).__name__}: {error}",
                fix="start the cluster, correct ray_address (BRANDPULSE_RAY_ADDRESS, --address), "
                "or leave it empty to run Ray on this machine.",
            )
        ) from None


@contextlib.contextmanager
def connected(settings: Settings) -> Iterator[Any]:
    """Ray, connected to ``settings.ray_address`` (or a Ray started here for the run), yielded
    as the module. A connection the caller already holds (ray.init before) is used and kept."""
    ray = import_ray()
    if ray.is_initialized():
        yield ray
        return
    address = settings.ray_address.strip()
    if address:
        check_reachable(address)
    paths = [str(CODE_ROOT), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    try:
        ray.init(
            address=address or None,
            # Started here: one CPU per actor plus one for reading shards.
            num_cpus=None if address else settings.ray_workers + 1,
            include_dashboard=False,
            logging_level="ERROR",
            log_to_driver=False,
            runtime_env={"env_vars": {"PYTHONPATH": os.pathsep.join(paths)}},
        )
    except Exception as error:  # noqa: BLE001 - Ray raises many kinds; each means "no cluster"
        raise ClusterError(
            explain(
                f"Ray did not start or connect ({address or 'a local instance'})",
                found=(str(error).splitlines() or [type(error).__name__])[0],
                fix="check the cluster with `ray status`, or set engine='local'.",
            )
        ) from None
    try:
        yield ray
    finally:
        ray.shutdown()

"""Quality checks of generated copy (placeholder until the checks land in this session)."""

from __future__ import annotations

from collections.abc import Sequence


def quality_problems(
    text: str, fmt: str, grounded: Sequence[str] = (), brand: str | None = None
) -> list[str]:
    """Problems of ``text`` beyond grounding; none are checked yet."""
    return []

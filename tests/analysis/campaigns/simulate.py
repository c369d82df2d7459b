"""A simulator of daily posts for several brands: a common market shock (a delivery-delay
wave that hits every brand), brand noise that comes in runs, and one brand's campaign with a
known effect on net sentiment. The proof that the controlled estimate is right."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analysis.campaigns.impact import Series


@dataclass(frozen=True)
class World:
    brand: Series
    controls: dict[str, Series]
    during: np.ndarray
    effect: float  # the true effect on the brand's net sentiment


def simulate(
    rng: np.random.Generator,
    effect: float,
    *,
    brands: int = 5,
    pre_days: int = 56,
    during_days: int = 21,
    shock: float = -0.3,
    brand_trend: float = 0.0,
) -> World:
    """Brand 0 runs the campaign from day ``pre_days``; a ``shock`` (net sentiment) lasting 10
    days hits every brand inside the campaign; ``brand_trend`` makes brand 0 drift on its own
    (net sentiment per day) from the start: parallel trends broken."""
    days = pre_days + during_days
    during = np.arange(days) >= pre_days
    market = np.zeros(days)
    start = int(rng.integers(pre_days, days - 10))
    market[start : start + 10] += shock
    units = []
    for j in range(brands):
        runs = np.zeros(days)
        for t in range(1, days):  # AR(1): a brand's good and bad days come in runs
            runs[t] = 0.5 * runs[t - 1] + rng.normal(0, 0.05)
        latent = rng.uniform(-0.1, 0.4) + market + runs
        if j == 0:
            latent = latent + effect * during + brand_trend * np.arange(days)
        # The latent figure is the expected net sentiment (positive - negative share).
        neutral = 0.3
        latent = np.clip(latent, -(1 - neutral), 1 - neutral)
        posts = rng.poisson(rng.uniform(20, 80), days)
        probs = np.column_stack(
            [(1 - neutral + latent) / 2, np.full(days, neutral), (1 - neutral - latent) / 2]
        )
        counts = np.array([rng.multinomial(n, p) for n, p in zip(posts, probs, strict=True)])
        zeros = np.zeros(days)
        units.append(
            Series(
                posts.astype(float),
                posts.astype(float),
                counts[:, 0] * 1.0,
                counts[:, 2] * 1.0,
                zeros,
                zeros,
            )
        )
    return World(units[0], {f"brand {j}": u for j, u in enumerate(units[1:], 1)}, during, effect)


def raw_change(world: World) -> float:
    """The before/during change of the brand's own net sentiment (what a chart shows)."""
    during, b = world.during, world.brand
    return b.pooled(during, "net") - b.pooled(~during, "net")

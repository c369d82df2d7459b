"""Campaign impact against a control, proven on simulated campaigns with known effects: the
intervals cover the truth, the controlled estimate is unbiased where the raw one is not,
real effects are found, and broken assumptions or thin data give "cannot tell"."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.campaigns.impact import MIN_POSTS, Series, assess, did, simplex_weights
from tests.analysis.campaigns.simulate import raw_change, simulate

EFFECTS = (0.0, 0.1, -0.1, 0.2)


def run(world):
    return assess(world.brand, world.controls, world.during, "the other brands")


@pytest.fixture(scope="module")
def campaigns():
    """240 simulated campaigns, 60 per true effect, each with a market shock inside it."""
    rng = np.random.default_rng(20)
    out = []
    for index in range(240):
        world = simulate(rng, EFFECTS[index % 4])
        out.append((world, run(world)))
    return out


def test_the_95_percent_interval_covers_the_true_effect(campaigns):
    covered = [
        impact.net.estimate.low <= world.effect <= impact.net.estimate.high
        for world, impact in campaigns
    ]
    coverage = float(np.mean(covered))
    print(f"coverage of the 95% interval over {len(covered)} campaigns: {coverage:.1%}")
    assert 0.90 <= coverage <= 0.98


def test_a_market_shock_biases_the_raw_change_but_not_the_controlled_one(campaigns):
    none = [(w, i) for w, i in campaigns if w.effect == 0.0]
    raw = np.mean([raw_change(w) for w, _ in none])
    controlled = np.mean([i.net.estimate.effect for _, i in none])
    spread = np.std([i.net.estimate.effect for _, i in none]) / np.sqrt(len(none))
    print(f"no effect, a -0.3 shock: raw {raw:+.3f}, controlled {controlled:+.3f}")
    assert raw < -0.1  # the shock lands on the campaign: a "backfire" that is not there
    assert abs(controlled) < max(0.02, 3 * spread)


def test_real_effects_are_found(campaigns):
    power = {}
    for effect in EFFECTS:
        verdicts = [i.verdict for w, i in campaigns if w.effect == effect]
        wanted = "lifted" if effect > 0 else "backfired" if effect < 0 else "no clear effect"
        power[effect] = verdicts.count(wanted) / len(verdicts)
    print("share of runs with the right verdict:", power)
    assert power[0.2] >= 0.85 and power[0.1] >= 0.4 and power[-0.1] >= 0.4
    assert power[0.0] >= 0.8  # no effect: rarely a verdict either way


def test_a_brand_drifting_on_its_own_before_gives_cannot_tell():
    rng = np.random.default_rng(5)
    told = []
    for _ in range(20):
        world = simulate(rng, 0.0, brand_trend=-0.01)  # -0.56 over the 8 weeks before
        impact = run(world)
        told.append(impact.verdict == "cannot tell" and "did not move together" in impact.reason)
    assert np.mean(told) >= 0.8
    assert "Cannot tell: the brand and the other brands did not move together" in impact.sentence


def test_too_few_posts_or_no_control_give_cannot_tell():
    rng = np.random.default_rng(6)
    world = simulate(rng, 0.2)
    one_every_third_day = (np.arange(77) % 3 == 0).astype(float)  # 19 posts before, 7 during
    zeros = np.zeros(77)
    thin = Series(*[one_every_third_day] * 3, zeros, zeros, zeros)
    impact = assess(thin, world.controls, world.during, "the other brands")
    assert impact.verdict == "cannot tell" and impact.reason.startswith("too few posts")
    assert f"at least {MIN_POSTS} each" in impact.sentence
    alone = assess(world.brand, {}, world.during, "no control")
    assert alone.verdict == "cannot tell" and "no comparable control" in alone.reason


def test_volume_effect_is_a_ratio_beyond_the_market():
    rng = np.random.default_rng(8)
    world = simulate(rng, 0.0)
    b = world.brand
    doubled = Series(
        np.where(world.during, b.documents * 2, b.documents), *list(vars(b).values())[1:]
    )
    pooled = sum(world.controls.values(), Series.zeros(len(world.during)))
    volume = did(doubled, pooled, world.during, "volume")
    effect, low, high = volume.volume_percent()
    assert 80 < effect < 130 and low > 40  # twice the posts: +100%


def test_synthetic_control_weights_match_pysyncon():
    pysyncon = pytest.importorskip("pysyncon")
    rng = np.random.default_rng(3)
    donors = rng.normal(0.2, 0.15, (12, 5))
    target = donors @ np.array([0.6, 0.4, 0, 0, 0]) + rng.normal(0, 0.02, 12)
    names = [f"brand {j}" for j in range(5)]
    x0 = pd.DataFrame(donors, columns=names)
    x1 = pd.Series(target, name="treated")
    # pysyncon scales each period by its spread; V = the spread squared undoes it.
    spread = pd.concat([x0, x1], axis=1).std(axis=1).to_numpy() ** 2
    peer = pysyncon.Synth()
    peer.fit(X0=x0, X1=x1, Z0=x0, Z1=x1, custom_V=spread)
    ours = simplex_weights(target, donors)
    assert ours.sum() == pytest.approx(1) and (ours >= 0).all()
    assert np.allclose(ours, np.asarray(peer.W), atol=2e-3)


def test_synthetic_control_placebos_rank_a_clear_effect_first():
    rng = np.random.default_rng(11)
    world = simulate(rng, 0.4, brands=6, shock=0.0)
    synthetic = run(world).synthetic
    assert synthetic is not None and len(synthetic.placebos) >= 5
    assert synthetic.effect > 0.25
    assert all(r < synthetic.ratio for _, _, r in synthetic.placebos)
    assert synthetic.p_value == pytest.approx(1 / (1 + len(synthetic.placebos)))
    assert sum(synthetic.weights.values()) == pytest.approx(1, abs=0.03)
    # Fewer than three other brands: no synthetic control, the rest still runs.
    two = {k: world.controls[k] for k in list(world.controls)[:2]}
    few = assess(world.brand, two, world.during, "two brands")
    assert few.synthetic is None and few.net is not None


def test_a_drift_against_a_clear_effect_leaves_the_verdict_and_says_so():
    # The brand was sliding before a campaign that clearly lifted it: carried on, the slide
    # would make the lift larger, so the verdict stands, with a note.
    rng = np.random.default_rng(9)
    world = simulate(rng, 0.5, brand_trend=-0.006, shock=0.0)
    impact = run(world)
    assert impact.net.pretrend and impact.net.trend_bias < 0 < impact.net.estimate.low
    assert impact.verdict == "lifted" and not impact.net.pretrend_flag
    assert "drift runs against the estimate" in impact.pretrend_note


def test_volume_before_a_brand_s_first_post_is_missing_not_quiet():
    rng = np.random.default_rng(12)
    world = simulate(rng, 0.0)
    late = (np.arange(77) >= 28).astype(float)  # the brand's data starts on day 28
    b = world.brand
    started = Series(*(values * late for values in vars(b).values()))
    pooled = sum(world.controls.values(), Series.zeros(77))
    volume = did(started, pooled, world.during, "volume")
    effect, low, high = volume.volume_percent()
    assert low < 0 < high and abs(effect) < 30  # not a +1000% "rise" from empty days

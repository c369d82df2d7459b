"""Rules: alert rules without code. Start from a template, set the scope, thresholds, cooldown
and actions, see where the rule would have fired on the data so far, then save it; manage the
saved rules, send a test notification and read the firing log."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analysis.campaigns.results import list_campaigns
from analysis.filters import Filters
from analysis.insight.facets import facet_values
from analysis.rules.backtest import backtest, sample_firing, window_figures
from analysis.rules.delivery import deliver
from analysis.rules.listing import firing_log, rules_overview
from analysis.rules.model import SCOPE_KEYS, WEBHOOK_STYLES, Action, Rule
from analysis.rules.store import (
    add_rule,
    delete_rule,
    get_rule,
    set_enabled,
    update_rule,
    validate,
)
from analysis.topics.edits import theme_names, topic_names
from dashboard import cache, ui
from loaders.errors import BrandpulseError

# Template -> (condition, parameters, scope brand: 0 the biggest brand, 1 the next one).
TEMPLATES: dict[str, tuple[str, dict[str, Any], int | None]] = {
    "Negative surge": ("negative_share", {"above": 0.5, "min_posts": 30, "window": "week"}, 0),
    "Crisis words": ("keywords", {"words": ["recall", "lawsuit", "injury", "refund"]}, 0),
    "Emerging complaint": ("emerging_topic", {"min_documents": 10, "min_growth": 2.0}, 0),
    "Rating drop": ("rating_below", {"below": 3.0, "min_posts": 10, "window": "week"}, 0),
    "Volume spike": ("volume_spike", {"times": 2.0, "baseline_weeks": 4}, 0),
    # A running campaign whose brand's net sentiment fell below the weeks before it.
    "Campaign turning negative": (
        "campaign_negative",
        {"campaign": "", "below": 0.0, "min_posts": 20},
        None,
    ),
    # A competitor's bad week is a chance: the same test on another brand.
    "Competitor's bad week": (
        "negative_share",
        {"above": 0.5, "min_posts": 30, "window": "week"},
        1,
    ),
}
FIGURE_NAMES = {"negative_share": "negative share", "rating_below": "average rating"}


def one_line(error: BaseException) -> str:
    return ui.plain(" ".join(str(error).split()) or type(error).__name__)


def webhook_names(setting: str) -> list[str]:
    """The names of the setting ``webhooks`` ('name=url,...'): the URLs are secrets, never shown."""
    names = [i.partition("=")[0].strip() for i in setting.split(",") if "=" in i]
    return [n for n in names if re.fullmatch(r"[A-Za-z0-9_.-]+", n)]


def hide_outbox(text: str, settings: Any) -> str:
    """A delivery's detail without the alerts folder's path: the server's folders are not the
    dashboard users' business (the folder is named in the settings)."""
    folder = str(Path(settings.alert_outbox).expanduser())
    return text.replace(folder + "/", "").replace(folder, "the alerts folder")


def scope_choices() -> dict[str, tuple[str, list[Any], dict[Any, str]]]:
    """Scope key -> (label, values, display names): the facets the data has, as the filter bar
    offers them, then sentiment, theme and topic."""
    facets = cache.data(facet_values)
    offered = {
        n: (label, [v for v, _ in facets[n]], {v: ui.facet_label(n, v) for v, _ in facets[n]})
        for n, label in ui.FACETS.items()
        if facets.get(n) and n in SCOPE_KEYS
    }
    offered["sentiment"] = ("Sentiment", ui.SENTIMENT_ORDER, {s: s for s in ui.SENTIMENT_ORDER})
    for name, names in (("theme", cache.data(theme_names)), ("topic", cache.data(topic_names))):
        if names:
            shown = {k: f"{v} (#{k})" for k, v in names.items()}
            offered[name] = (name.capitalize(), sorted(names, key=lambda k: shown[k]), shown)
    return offered


def scope_inputs(template: str, brand_rank: int | None, start: Filters) -> dict[str, Any]:
    """The scope widgets, starting from the filter bar's filters (``start``); with no brand
    there, the template's brand (the biggest, or the next one for a competitor)."""
    scope: dict[str, Any] = {}
    columns = st.columns(4)
    for index, (name, (label, values, shown)) in enumerate(scope_choices().items()):
        default = 0
        if getattr(start, name) in values:
            default = values.index(getattr(start, name)) + 1  # after "All"
        elif name == "brand" and brand_rank is not None and len(values) > brand_rank:
            default = brand_rank + 1
        picked = columns[index % 4].selectbox(
            label,
            [None, *values],
            index=default,
            key=f"rule-{template}-{name}",
            format_func=lambda v, s=shown: ui.ALL if v is None else s.get(v, str(v)),
        )
        if picked is not None:
            scope[name] = picked
    return scope


def threshold_inputs(template: str, condition: str, defaults: dict[str, Any]) -> dict[str, Any]:
    """The condition's thresholds; each widget's key is the template and the parameter's name
    (what :func:`load_rule` sets to edit a saved rule)."""
    key = f"rule-{template}-"
    left, middle, right = st.columns(3)
    if condition == "keywords":
        words = left.text_input(
            "Words (separated by commas)", ", ".join(defaults["words"]), key=key + "words"
        )
        return {"words": [w.strip() for w in words.split(",") if w.strip()]}
    if condition == "negative_share":
        above = left.number_input(
            "Negative share above (%)",
            0.1,
            99.9,
            defaults["above"] * 100,
            0.5,
            key=key + "above",
        )
        params: dict[str, Any] = {"above": above / 100}
    elif condition == "rating_below":
        params = {
            "below": left.number_input(
                "Average rating below", 0.5, 5.0, defaults["below"], 0.1, key=key + "below"
            )
        }
    elif condition == "volume_spike":
        times = left.number_input(
            "Volume at least (x normal)", 1.1, 20.0, defaults["times"], 0.1, key=key + "times"
        )
        weeks = middle.number_input(
            "Normal: the weeks before",
            2,
            12,
            defaults["baseline_weeks"],
            key=key + "baseline_weeks",
        )
        return {"times": times, "baseline_weeks": int(weeks)}
    elif condition == "campaign_negative":
        names = [c["name"] for c in cache.data(list_campaigns)]
        if not names:
            st.info("No campaigns yet: add one on the Campaigns page first.")
            st.stop()
        campaign = left.selectbox("Campaign", names, key=key + "campaign")
        below = middle.number_input(
            "Uplift in net sentiment below", -1.0, 1.0, defaults["below"], 0.05, key=key + "below"
        )
        posts = right.number_input(
            "At least posts during", 1, 10_000, defaults["min_posts"], key=key + "min_posts"
        )
        return {"campaign": campaign, "below": below, "min_posts": int(posts)}
    else:  # emerging_topic
        documents = left.number_input(
            "At least posts", 3, 1000, defaults["min_documents"], key=key + "min_documents"
        )
        growth = middle.number_input(
            "Growth at least (x)", 1.1, 20.0, defaults["min_growth"], 0.1, key=key + "min_growth"
        )
        return {"min_documents": int(documents), "min_growth": growth}
    params["min_posts"] = int(
        middle.number_input(
            "At least posts", 1, 10_000, defaults["min_posts"], key=key + "min_posts"
        )
    )
    params["window"] = right.selectbox("Every", ["week", "day"], key=key + "window")
    return params


def action_inputs(settings: Any) -> tuple[Action, ...]:
    left, middle, right = st.columns(3)
    actions = []
    emails = left.text_input(
        "Email to (separated by commas)", key="rule-email", placeholder="someone@example.com"
    )
    actions += [Action("email", e.strip()) for e in emails.split(",") if e.strip()]
    hooks = middle.multiselect(
        "Post to webhooks",
        webhook_names(settings.webhooks),
        key="rule-webhook",
        help="Webhooks come from the setting webhooks; their addresses are never shown.",
    )
    if hooks:
        style = middle.selectbox("Webhook style", WEBHOOK_STYLES, key="rule-style")
        actions += [Action("webhook", hook, style) for hook in hooks]
    if right.checkbox("Write to the alerts folder", value=True, key="rule-file"):
        actions.append(Action("file"))
    left, right = st.columns(2)
    tag = left.text_input(
        "Tag the matching posts", key="rule-tag", placeholder="e.g. lid-leak (a plain word)"
    )
    if tag.strip():
        actions.append(Action("tag", tag.strip()))
    if right.checkbox("Leave a draft post on the Suggestions page for review", key="rule-draft"):
        actions.append(Action("draft"))
    return tuple(actions)


def template_of(rule: Rule) -> str:
    """The template whose form edits ``rule``: the first one with its condition."""
    return next(
        name for name, (condition, _, _) in TEMPLATES.items() if condition == rule.condition
    )


def form_state(rule: Rule, choices: dict[str, list[Any]], webhooks: list[str]) -> dict[str, Any]:
    """The New-rule form's widget values that rebuild ``rule`` (widget key -> value).

    ``choices`` are the scope values each scope widget offers, ``webhooks`` the webhook names
    the settings name: a scope value or webhook the form cannot show is left out (the caller
    says so), everything else round-trips, several emails and webhooks included.
    """
    template = template_of(rule)
    key = f"rule-{template}-"
    state: dict[str, Any] = {"rule-template": template, key + "name": rule.name}
    for name, values in choices.items():
        value = rule.scope.get(name)
        state[key + name] = value if value in values else None
    for name, value in rule.params.items():
        if name == "words":
            value = ", ".join(value)
        elif name == "above":
            value = value * 100  # the form asks for a percentage
        state[key + name] = value
    kinds = [a.kind for a in rule.actions]
    hooks = [a for a in rule.actions if a.kind == "webhook" and a.target in webhooks]
    state.update(
        {
            "rule-cooldown": int(round(rule.cooldown_hours)),
            "rule-email": ", ".join(a.target or "" for a in rule.actions if a.kind == "email"),
            "rule-webhook": [a.target for a in hooks],
            "rule-file": "file" in kinds,
            "rule-tag": next((a.target or "" for a in rule.actions if a.kind == "tag"), ""),
            "rule-draft": "draft" in kinds,
        }
    )
    if hooks:
        state["rule-style"] = hooks[0].style
    return state


def load_rule(name: str) -> None:
    """Put a saved rule into the New-rule form (a button's callback: before the widgets run)."""
    rule = cache.data(get_rule, name)
    choices = {k: values for k, (_, values, _) in scope_choices().items()}
    webhooks = webhook_names(cache.settings().webhooks)
    st.session_state.update(form_state(rule, choices, webhooks))
    lost = [f"{k}={v}" for k, v in rule.scope.items() if v not in choices.get(k, [])]
    lost += [
        a.target or "" for a in rule.actions if a.kind == "webhook" and a.target not in webhooks
    ]
    note = f"Rule '{name}' is in the form above: change it and update it."
    if lost:
        note += f" Not in the data or settings any more, so left out: {', '.join(lost)}."
    st.session_state["flash"] = note


def backtest_chart(rule: Rule, hits: list, figures: list) -> None:
    """The figure per window against the threshold, or each hit's figure, with a table."""
    if figures:
        name = FIGURE_NAMES[rule.condition]
        threshold = rule.params.get("above", rule.params.get("below"))
        frame = pd.DataFrame(
            [
                {"window": f.window, name: f.value, "posts": f.posts, "fired": f.fired}
                for f in figures
            ]
        )
        figure = go.Figure(
            go.Bar(
                x=frame["window"],
                y=frame[name],
                marker_color=["#d62728" if f else "#9e9e9e" for f in frame["fired"]],
                name=name,
            )
        )
        figure.add_hline(y=threshold, line_dash="dash", annotation_text="threshold")
        figure.update_layout(title=f"{name.capitalize()} per {rule.params.get('window', 'week')}")
        ui.chart(figure, frame, f"backtest {name}")
    if hits:
        table = pd.DataFrame(
            [
                {
                    "window": h.window,
                    "checked at": h.fired_at,
                    "figure": h.value,
                    "posts": h.firing.documents,
                    "why": h.why,
                }
                for h in hits
            ]
        )
        ui.data_table(table, "backtest firings")
    else:
        st.caption("It would not have fired on the data so far.")


def save(rule: Rule, *, update: bool = False) -> None:
    try:
        cache.write(update_rule if update else add_rule, rule)
    except BrandpulseError as error:
        st.error(one_line(error))
        return
    done = "updated" if update else "saved"
    st.session_state["flash"] = f"Rule '{rule.name}' {done}. It is checked after every analysis."
    st.rerun()


def change(label: str, function: Any, *args: Any) -> None:
    try:
        cache.write(function, *args)
    except BrandpulseError as error:
        st.error(one_line(error))
        return
    st.session_state["flash"] = label
    st.rerun()


def send_test(rule: Rule, settings: Any) -> None:
    if not rule.actions:
        st.info("This rule has no actions: add an email, a webhook or the alerts folder.")
        return
    try:
        hits = cache.data(backtest, rule, settings)
    except BrandpulseError:  # a condition the backtest cannot replay: a made-up test firing
        hits = []
    firing = sample_firing(rule, hits, datetime.now(UTC))
    for action in rule.actions:
        if action.kind in ("tag", "draft"):  # they change the database: never in a test
            st.info(f"{action.kind}: not run in a test (it changes the data)")
            continue
        outcome = deliver(firing, action, settings)
        what = action.kind + (f" {action.target}" if action.target else "")
        detail = hide_outbox(outcome.detail, settings)
        text = f"Test {what}: {'sent' if outcome.ok else 'failed'}: {detail}"
        (st.success if outcome.ok else st.warning)(ui.plain(text))


st.title("Rules")
st.caption(
    "A rule watches the data after every analysis and tells you (email, webhook or the alerts "
    "folder) when it fires. Each window fires once; within the cooldown only a worse figure "
    "fires again."
)
ui.require_analysis()
settings = cache.settings()

st.subheader("New rule")
template = st.selectbox("Start from a template", list(TEMPLATES), key="rule-template")
condition, defaults, brand_rank = TEMPLATES[template]
name = st.text_input("Name", template, key=f"rule-{template}-name")
st.caption("Scope: the posts it watches (it starts from the filter bar's filters)")
scope = scope_inputs(template, brand_rank, ui.filters())
params = threshold_inputs(template, condition, defaults)
cooldown = st.number_input("Cooldown (hours)", 0, 24 * 90, 24, key="rule-cooldown")
actions = action_inputs(settings)
try:
    rule = validate(Rule(name, condition, params, scope, actions, float(cooldown)))
except BrandpulseError as error:
    st.error(one_line(error))
    st.stop()

st.subheader("Where it would have fired")
st.caption(
    "A check at the end of every week (every day for day rules) over the data so far (the last "
    "three years; a year for day rules), as the rule would run; crisis words per import. Tune the threshold until it fires when it should."
)
hits = cache.data(backtest, rule, settings)
backtest_chart(rule, hits, cache.data(window_figures, rule, hits))
if st.button("Save the rule", type="primary"):
    save(rule)
# Editing: the same name with other thresholds, scope or actions replaces the stored rule.
if rule.name in {r["name"] for r in cache.data(rules_overview)} and st.button(
    f"Update the rule '{rule.name}' with these settings"
):
    save(rule, update=True)

st.subheader("Your rules")
overview = cache.data(rules_overview)
if not overview:
    st.caption("No rules yet.")
else:
    for row in overview:
        row["delivery"] = hide_outbox(row["delivery"], settings)
    ui.data_table(overview, "rules")
    chosen = st.selectbox("Rule", [r["name"] for r in overview], key="rule-chosen")
    saved = cache.data(get_rule, chosen)
    edit, toggle, test, remove = st.columns(4)
    edit.button("Edit in the form above", on_click=load_rule, args=(chosen,))
    if toggle.button("Disable" if saved.enabled else "Enable"):
        done = "disabled" if saved.enabled else "enabled"
        change(f"Rule '{chosen}' {done}.", set_enabled, chosen, not saved.enabled)
    if test.button("Send a test notification"):
        send_test(saved, settings)
    # Deleting drops the rule's firing log too: one tick first, so a slip cannot do it.
    sure = remove.checkbox(f"Yes, delete '{chosen}'", key=f"rule-delete-{chosen}")
    if remove.button("Delete the rule and its firings", disabled=not sure):
        change(f"Rule '{chosen}' deleted.", delete_rule, chosen)

st.subheader("Firing log")
log = cache.data(firing_log)
if log:
    for row in log:
        row["delivery"] = hide_outbox(row["delivery"], settings)
    ui.data_table(
        log, "firing log", {"link": st.column_config.LinkColumn("posts", display_text="open")}
    )
else:
    st.caption("No rule has fired yet.")

"""Rules: alert rules without code. Start from a template, set the scope, thresholds, cooldown
and actions, see where the rule would have fired on the data so far, then save it; manage the
saved rules, send a test notification and read the firing log."""

from __future__ import annotations

import re
from collections import Counter
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
# Condition -> its number widgets: (parameter, label, lowest, highest, step). Whole-number
# steps make whole-number widgets. A saved rule with a value outside a range is not put in
# the form (its widget would show another value, and Update would save that one).
FIELDS: dict[str, list[tuple[str, str, Any, Any, Any]]] = {
    "negative_share": [
        ("above", "Negative share above (%)", 0.1, 99.9, 0.5),
        ("min_posts", "At least posts", 1, 10_000, 1),
    ],
    "rating_below": [
        ("below", "Average rating below", 0.5, 5.0, 0.1),
        ("min_posts", "At least posts", 1, 10_000, 1),
    ],
    "volume_spike": [
        ("times", "Volume at least (x normal)", 1.1, 20.0, 0.1),
        # Up to a year: a half-year baseline is a fair choice for a slow brand.
        ("baseline_weeks", "Normal: the weeks before", 2, 52, 1),
    ],
    "campaign_negative": [
        ("below", "Uplift in net sentiment below", -1.0, 1.0, 0.05),
        ("min_posts", "At least posts during", 1, 10_000, 1),
    ],
    "emerging_topic": [
        ("min_documents", "At least posts", 3, 1000, 1),
        ("min_growth", "Growth at least (x)", 1.1, 20.0, 0.1),
    ],
    "keywords": [],
}
PERCENT = {"above"}  # asked for as a percentage, stored as a share
WINDOW_OPTIONS = ["week", "day"]
COOLDOWN_MAX = 24.0 * 90


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


def scope_choices(condition: str) -> dict[str, tuple[str, list[Any], dict[Any, str]]]:
    """Scope key -> (label, values, display names): the facets the data has, as the filter bar
    offers them, then sentiment, theme and topic. No sentiment for a negative share: scoped to
    one sentiment it is 0% or 100% in every window (the store refuses it)."""
    facets = cache.data(facet_values)
    offered = {
        n: (label, [v for v, _ in facets[n]], {v: ui.facet_label(n, v) for v, _ in facets[n]})
        for n, label in ui.FACETS.items()
        if facets.get(n) and n in SCOPE_KEYS
    }
    if condition != "negative_share":
        sentiments = ui.SENTIMENT_ORDER
        offered["sentiment"] = ("Sentiment", sentiments, {s: s for s in sentiments})
    for name, names in (("theme", cache.data(theme_names)), ("topic", cache.data(topic_names))):
        if names:
            shown = {k: f"{v} (#{k})" for k, v in names.items()}
            offered[name] = (name.capitalize(), sorted(names, key=lambda k: shown[k]), shown)
    return offered


def scope_inputs(
    template: str, condition: str, brand_rank: int | None, start: Filters
) -> dict[str, Any]:
    """The scope widgets, starting from the filter bar's filters (``start``); with no brand
    there, the template's brand (the biggest, or the next one for a competitor)."""
    scope: dict[str, Any] = {}
    columns = st.columns(4)
    for index, (name, (label, values, shown)) in enumerate(scope_choices(condition).items()):
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


def campaign_names() -> list[str]:
    return [c["name"] for c in cache.data(list_campaigns)]


def threshold_inputs(template: str, condition: str, defaults: dict[str, Any]) -> dict[str, Any]:
    """The condition's thresholds; each widget's key is the template and the parameter's name
    (what :func:`load_rule` sets to edit a saved rule), its range the one in :data:`FIELDS`."""
    key = f"rule-{template}-"
    columns = iter(st.columns(3))
    if condition == "keywords":
        words = next(columns).text_input(
            "Words (separated by commas)", ", ".join(defaults["words"]), key=key + "words"
        )
        return {"words": [w.strip() for w in words.split(",") if w.strip()]}
    params: dict[str, Any] = {}
    if condition == "campaign_negative":
        names = campaign_names()
        if not names:
            st.info("No campaigns yet: add one on the Campaigns page first.")
            st.stop()
        params["campaign"] = next(columns).selectbox("Campaign", names, key=key + "campaign")
    for name, label, low, high, step in FIELDS[condition]:
        scale = 100 if name in PERCENT else 1
        value = next(columns).number_input(
            label, low, high, defaults[name] * scale, step, key=key + name
        )
        params[name] = value / scale if isinstance(step, float) else int(value)
    if condition in ("negative_share", "rating_below"):
        params["window"] = next(columns).selectbox("Every", WINDOW_OPTIONS, key=key + "window")
    return params


def form_actions(
    email: str,
    webhook: list[str],
    style: str,
    file: bool,
    tag: str,
    draft: bool,
    reply: bool = False,
) -> tuple[Action, ...]:
    """The actions the form's values stand for (what :func:`action_inputs` returns); the
    arguments are named after the widgets' keys (rule-email ...)."""
    actions = [Action("email", e.strip()) for e in email.split(",") if e.strip()]
    actions += [Action("webhook", hook, style) for hook in webhook]
    actions += [Action("file")] if file else []
    actions += [Action("tag", tag.strip())] if tag.strip() else []
    actions += [Action("draft")] if draft else []
    return tuple(actions + ([Action("reply")] if reply else []))


def action_inputs(settings: Any) -> tuple[Action, ...]:
    left, middle, right = st.columns(3)
    emails = left.text_input(
        "Email to (separated by commas)", key="rule-email", placeholder="someone@example.com"
    )
    hooks = middle.multiselect(
        "Post to webhooks",
        webhook_names(settings.webhooks),
        key="rule-webhook",
        help="Webhooks come from the setting webhooks; their addresses are never shown.",
    )
    style = WEBHOOK_STYLES[0]
    if hooks:
        style = middle.selectbox("Webhook style", WEBHOOK_STYLES, key="rule-style")
    file = right.checkbox("Write to the alerts folder", value=True, key="rule-file")
    left, right = st.columns(2)
    tag = left.text_input(
        "Tag the matching posts", key="rule-tag", placeholder="e.g. lid-leak (a plain word)"
    )
    draft = right.checkbox(
        "Leave a draft post on the Suggestions page for review", key="rule-draft"
    )
    reply = right.checkbox("Put the matching posts on the Replies queue", key="rule-reply")
    return form_actions(emails, hooks, style, file, tag, draft, reply)


def template_of(rule: Rule) -> str:
    """The template whose form edits ``rule``: the first one with its condition."""
    return next(
        name for name, (condition, _, _) in TEMPLATES.items() if condition == rule.condition
    )


def form_state(rule: Rule) -> dict[str, Any]:
    """The New-rule form's widget values that rebuild ``rule`` (widget key -> value), for a
    rule :func:`form_problems` passes. A parameter the rule leaves out shows the engine's
    default (what the rule runs with), not the template's."""
    template = template_of(rule)
    key = f"rule-{template}-"
    state: dict[str, Any] = {"rule-template": template, key + "name": rule.name}
    for name in SCOPE_KEYS:
        state[key + name] = rule.scope.get(name)
    for name, _, _, _, step in FIELDS[rule.condition]:
        value = rule.param(name) * (100 if name in PERCENT else 1)
        state[key + name] = float(value) if isinstance(step, float) else int(value)
    if rule.condition in ("negative_share", "rating_below"):
        state[key + "window"] = rule.param("window")
    if rule.condition == "keywords":
        state[key + "words"] = ", ".join(rule.params["words"])
    if rule.condition == "campaign_negative":
        state[key + "campaign"] = rule.params["campaign"]
    state.update({f"rule-{k}": v for k, v in _action_values(rule.actions).items()})
    state["rule-cooldown"] = float(rule.cooldown_hours)
    return state


def _action_values(actions: tuple[Action, ...]) -> dict[str, Any]:
    """The action widgets' values for ``actions`` (the arguments of :func:`form_actions`)."""
    hooks = [a for a in actions if a.kind == "webhook"]
    return {
        "email": ", ".join(a.target or "" for a in actions if a.kind == "email"),
        "webhook": [a.target for a in hooks],
        "style": hooks[0].style if hooks else WEBHOOK_STYLES[0],
        "file": any(a.kind == "file" for a in actions),
        "tag": next((a.target or "" for a in actions if a.kind == "tag"), ""),
        "draft": any(a.kind == "draft" for a in actions),
        "reply": any(a.kind == "reply" for a in actions),
    }


def _action_problems(actions: tuple[Action, ...], webhooks: list[str]) -> list[str]:
    hooks = [a for a in actions if a.kind == "webhook"]
    problems = [
        f"webhook {a.target} (not in the settings)" for a in hooks if a.target not in webhooks
    ]
    if len({a.style for a in hooks}) > 1:
        problems.append("webhooks with different styles")
    if sum(a.kind == "tag" for a in actions) > 1:
        problems.append("more than one tag")
    # Anything else the widgets cannot hold (the same action twice ...): the form's actions
    # must be the saved ones, in any order.
    if not problems and Counter(form_actions(**_action_values(actions))) != Counter(actions):
        problems.append("actions the form cannot show")
    return problems


def form_problems(
    rule: Rule, choices: dict[str, list[Any]], webhooks: list[str], campaigns: list[str]
) -> list[str]:
    """What of ``rule`` the form cannot hold: scope values it does not offer (``choices``),
    numbers outside a widget's range, a campaign or webhook it does not list, actions that
    would not come back the same. Empty when the form rebuilds the rule exactly."""
    problems = [f"scope {k}={v}" for k, v in rule.scope.items() if v not in choices.get(k, [])]
    for name, _, low, high, _ in FIELDS[rule.condition]:
        scale = 100 if name in PERCENT else 1
        if not low <= rule.param(name) * scale <= high:
            unit = "%" if scale == 100 else ""
            problems.append(
                f"{name}={rule.param(name)} (the form takes {low}{unit} to {high}{unit})"
            )
    if rule.condition == "keywords" and any("," in w for w in rule.params["words"]):
        problems.append("a word with a comma")
    if rule.condition == "campaign_negative" and rule.params["campaign"] not in campaigns:
        problems.append(f"campaign {rule.params['campaign']} (not among the campaigns)")
    if not 0 <= rule.cooldown_hours <= COOLDOWN_MAX:
        problems.append(
            f"cooldown {rule.cooldown_hours:g} hours (the form takes 0 to {COOLDOWN_MAX:g})"
        )
    return problems + _action_problems(rule.actions, webhooks)


def load_rule(name: str) -> None:
    """Put a saved rule into the New-rule form (a button's callback: before the widgets run),
    or, when the form cannot hold it exactly, say what and leave the form as it is: an
    Update would otherwise save other values than the rule has."""
    rule = cache.data(get_rule, name)
    choices = {k: values for k, (_, values, _) in scope_choices(rule.condition).items()}
    webhooks = webhook_names(cache.settings().webhooks)
    campaigns = campaign_names() if rule.condition == "campaign_negative" else []
    problems = form_problems(rule, choices, webhooks, campaigns)
    if problems:
        st.session_state["rule-refused"] = (
            f"Rule '{name}' cannot be edited on this page: {'; '.join(problems)}. "
            f"Use `brandpulse rules edit` instead."
        )
        return
    st.session_state.update(form_state(rule))
    st.session_state["flash"] = f"Rule '{name}' is in the form above: change it and update it."


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
        if action.kind in ("tag", "draft", "reply"):  # they change the database: not in a test
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
if refused := st.session_state.pop("rule-refused", None):
    st.warning(ui.plain(refused))
template = st.selectbox("Start from a template", list(TEMPLATES), key="rule-template")
condition, defaults, brand_rank = TEMPLATES[template]
name = st.text_input("Name", template, key=f"rule-{template}-name")
st.caption("Scope: the posts it watches (it starts from the filter bar's filters)")
scope = scope_inputs(template, condition, brand_rank, ui.filters())
params = threshold_inputs(template, condition, defaults)
if name.strip() in {r["name"] for r in cache.data(rules_overview)}:
    # Editing: parameters the form does not show (a spike's z ...) stay as they were saved.
    saved_rule = cache.data(get_rule, name.strip())
    if saved_rule.condition == condition:
        params = {**saved_rule.params, **params}
cooldown = st.number_input("Cooldown (hours)", 0.0, COOLDOWN_MAX, 24.0, 0.5, key="rule-cooldown")
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

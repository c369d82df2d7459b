"""Composes one customer text at a time (review or social post) from the vocabulary."""

from __future__ import annotations

import random

from loaders.demo_data.scenario import EVERYDAY, HANDLES
from loaders.demo_data.vocabulary import (
    CLOSERS,
    DURATIONS,
    FILLERS,
    NEUTRAL_ANNOUNCEMENTS,
    NEUTRAL_QUESTIONS,
    NOT_YET_OWNED,
    OPENERS,
    OWNER_FILLERS,
    OWNER_OPENERS,
    PLACES,
    SARCASM,
    SENTENCES,
    SLANG,
)


class TextWriter:
    """Composes texts that read like customers wrote them."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def fill(self, template: str, brand: str, product: str) -> str:
        r = self.rng
        return template.format(
            p=product,
            b=brand,
            h=HANDLES[brand],
            n=r.choice([2, 3, 5, 12, 25, 35, 40, 45, 60]),
            d=r.choice(DURATIONS),
            place=r.choice(PLACES),
        )

    def roughen(self, text: str, social: bool) -> str:
        r = self.rng
        if social and r.random() < 0.35:
            text = text.lower()
        if r.random() < 0.25:
            padded = f" {text} "
            for formal, slang in SLANG.items():
                if formal in padded and r.random() < 0.7:
                    padded = padded.replace(formal, slang, 1)
            text = padded.strip()
        if r.random() < 0.12:  # a typo: swap two neighbouring letters in a longer word
            words = text.split(" ")
            long = [i for i, w in enumerate(words) if len(w) > 5 and w.isalpha()]
            if long:
                i = r.choice(long)
                w = words[i]
                k = r.randrange(1, len(w) - 2)
                words[i] = w[:k] + w[k + 1] + w[k] + w[k + 2 :]
                text = " ".join(words)
        if r.random() < 0.05:
            text = text.replace("!", "!!!").replace(".", "...", 1)
        return text

    def compose(self, theme: str, sentiment: str, brand: str, product: str, social: bool) -> str:
        r = self.rng
        if theme == "question":
            core = self.fill(r.choice(NEUTRAL_QUESTIONS), brand, product)
        elif theme == "announcement":
            core = self.fill(r.choice(NEUTRAL_ANNOUNCEMENTS), brand, product)
        else:
            pool = SENTENCES[theme][sentiment]
            core = self.fill(r.choice(pool), brand, product)
            if r.random() < 0.35:  # a second sentence on the same theme
                second = self.fill(r.choice(pool), brand, product)
                if second != core:
                    core = f"{core} {second}"
        if sentiment == "negative" and theme in EVERYDAY and r.random() < 0.08:
            template = (
                r.choice(SARCASM)
                .replace("{core_lower}", "{{core_lower}}")
                .replace("{core}", "{{core}}")
            )
            lowered = core[0].lower() + core[1:]
            core = (
                self.fill(template, brand, product)
                .replace("{core_lower}", lowered)
                .replace("{core}", core)
            )
        owned = theme not in NOT_YET_OWNED
        opener = self.fill(r.choice(OPENERS + OWNER_OPENERS if owned else OPENERS), brand, product)
        if opener and not opener.endswith(". ") and not core.startswith((brand, product)):
            core = core[0].lower() + core[1:]
        filler = self.fill(r.choice(FILLERS + OWNER_FILLERS if owned else FILLERS), brand, product)
        text = opener + core + filler + r.choice(CLOSERS[sentiment])
        if social:
            if r.random() < 0.3:
                text = (
                    f"{HANDLES[brand]} {text}" if r.random() < 0.5 else f"{text} {HANDLES[brand]}"
                )
            if r.random() < 0.15:
                text += " #" + r.choice(
                    ["hydrated", "coffeetime", "gear", "sustainability", "outdoors", brand.lower()]
                )
        return self.roughen(text, social)

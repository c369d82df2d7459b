"""Deterministic generator of the bundled sample data (``brandpulse sample``).

A fictional drinkware brand, Tidewell, and two competitors, Glacio and Pinecup, over 16
weeks (2025-08-25 to 2025-12-14): reviews, social posts and campaigns. Known signals
are planted so that later analysis can be checked against them:

- ``lid_leak``: a defect complaint wave about the Tidewell Trail Bottle lid in 2025-W41;
- ``shipping_delay``: late Black Friday orders in 2025-W48 and W49;
- ``refill_rewards``: a campaign (#RefillRewards, 2025-09-15..10-05) that lifts sentiment;
- ``grind_backlash``: a campaign (#GrindNeverStops, 2025-10-27..11-09) that backfires;
- ``glacio_outage``: a Glacio app outage in 2025-W46 that spikes comparisons.

The theme and intended sentiment of every document go to ``ground_truth.csv``, which
only tests read.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

DEFAULT_SEED = 20251214
START = date(2025, 8, 25)
WEEKS = 16
DOCUMENT_FILES = ("reviews.csv", "social_posts.csv")
CAMPAIGNS_FILE = "campaigns.csv"
TRUTH_FILE = "ground_truth.csv"
PLANTED_THEMES = ("lid_leak", "shipping_delay", "refill_rewards", "grind_backlash", "glacio_outage")

BRANDS = {
    "Tidewell": ["Trail Bottle", "Commuter Mug", "Kids Sipper", "Insulated Tumbler", "Flask Pro"],
    "Glacio": ["Peak Bottle", "Smart Cup", "Arctic Tumbler"],
    "Pinecup": ["Classic Mug", "Travel Mug", "Camp Bottle"],
}
BRAND_WEIGHTS = {"Tidewell": 0.6, "Glacio": 0.22, "Pinecup": 0.18}
HANDLES = {"Tidewell": "@tidewell", "Glacio": "@glacio_hq", "Pinecup": "@pinecupco"}

# Theme -> sentiment -> sentences. {p} product, {b} brand, {h} brand handle, {n} a number,
# {d} a duration, {place} a place. Each planted theme has its own vocabulary.
SENTENCES: dict[str, dict[str, list[str]]] = {
    "insulation": {
        "positive": [
            "Keeps my coffee hot for {d}, no joke.",
            "Ice cubes still there after {d} in a hot car.",
            "My tea was still steaming at lunch.",
            "Cold water all day on the {place}, that's all I wanted.",
            "The insulation on the {p} is unreal.",
            "Filled it with ice at 7am and it was still clinking at dinner.",
            "Coffee stays hot through my whole commute and then some.",
            "Best insulated bottle I've owned, drinks stay cold for {d}.",
            "Honestly didn't expect the {p} to keep soup warm but it does.",
            "Hot chocolate was still too hot to drink {d} later lol.",
            "Not a single lukewarm sip all day.",
            "Never had my coffee go cold on the {place} commute.",
            "Iced tea stayed icy through a {d} road trip.",
            "Can't believe the ice lasted {d}.",
            "No more warm water at the gym, finally.",
            "It's not bad at all at keeping things cold, better than I expected.",
            "Keeps soup piping hot for my kid's lunch.",
            "Cold brew stays cold till the evening, wild.",
            "Summer heatwave and my water was still freezing.",
            "I don't think I've ever had a bottle keep ice this long.",
        ],
        "negative": [
            "Coffee is lukewarm after {d}, so much for insulated.",
            "Doesn't keep anything cold past noon.",
            "My water gets warm within {d}, the insulation is a joke.",
            "The {p} sweats like a cheap glass and the drink goes warm.",
            "Not insulated at all as far as I can tell.",
            "Tea went cold before I even got to the {place}.",
            "Coffee was cold by 10am, not what the box promised.",
            "Ice melted in {d}, my cheap one did better.",
            "It can't keep anything hot past lunch.",
            "Never stays cold, I don't get the hype.",
            "Water tastes warm and metallic after a few hours.",
            "Insulation seems to have stopped working after {d}.",
            "The outside gets hot when I pour tea in, so much for double wall.",
        ],
    },
    "design": {
        "positive": [
            "The sage green color is gorgeous.",
            "Love the matte finish, feels premium in the hand.",
            "Fits in my car cup holder perfectly.",
            "Such a sleek design, everyone at the {place} asks about it.",
            "The handle is comfy and the colors are so pretty.",
            "Slim enough for my bike bottle cage.",
            "Looks way more expensive than it is.",
            "The new colorways are stunning, I want all of them.",
            "Didn't expect it to look this good on my desk.",
            "The lid loop is perfect for clipping to my backpack.",
            "Finally a bottle that isn't ugly.",
            "Wide mouth fits ice cubes no problem.",
            "Love the little measurement marks on the side.",
            "The grip texture means I never drop it.",
            "Fits in the side pocket of every bag I own.",
            "Colors match my whole gym setup lol.",
            "The straw lid is genius for the car.",
        ],
        "negative": [
            "Too tall to fit under my coffee machine.",
            "The color looked nothing like the photos, way duller.",
            "Doesn't fit any cup holder I own.",
            "Heavier than it looks, annoying to carry all day.",
            "The paint started peeling off the bottom already.",
            "Ugly logo placement, why is it so huge.",
            "Can't drink from it without spilling down my chin.",
            "The mouth is too narrow for ice cubes.",
            "Not a fan of the new shape, it tips over easily.",
            "Way too bulky for a kid's hand.",
            "The carry loop digs into my fingers.",
            "Looks cheap in person, not like the ads.",
            "The lid is awkward to open with one hand.",
            "Nothing fits in my bike cage since the redesign.",
        ],
    },
    "price_value": {
        "positive": [
            "Worth every penny.",
            "Great value for the price, cheaper than the big names.",
            "Got it on sale for ${n} and it's a steal.",
            "Pricey but it'll last years so worth it.",
            "Half the price of my old one and twice as good.",
            "For what it costs I'm not complaining.",
            "Cheaper than a month of disposable bottles.",
            "Would pay double honestly.",
            "Bundle deal was great value, got two for ${n}.",
            "Not cheap, but it's the last bottle I'll need.",
        ],
        "negative": [
            "Way overpriced for what it is.",
            "${n} for a water bottle? Not worth it.",
            "You're paying for the logo, not the quality.",
            "Price went up again, not buying another one.",
            "Cheaper ones at the supermarket do the same job.",
            "Not worth ${n}, no way.",
            "Paid premium price for a bottle that feels budget.",
            "Shipping cost more than the mug, ridiculous.",
            "Can't justify the price when it doesn't do anything special.",
            "The sale price is the real price, full price is a rip off.",
        ],
    },
    "customer_service": {
        "positive": [
            "Customer service sent a replacement within {d}, no questions asked.",
            "Support was super friendly and fixed my order fast.",
            "Emailed them about a dent and they replaced it for free.",
            "Shoutout to the support team, really helpful chat.",
            "The rep on the phone was lovely and sorted it in minutes.",
            "Got a reply from support on a Sunday, impressed.",
            "They didn't even ask for photos, just shipped a new one.",
            "Support remembered my last order, nice touch.",
            "Quick refund, no hassle at all.",
        ],
        "negative": [
            "Customer service never replied to my emails.",
            "Support closed my ticket without fixing anything.",
            "Waited on the chat for {d} and got a copy-paste answer.",
            "They refused the warranty claim because I had no receipt, unbelievable.",
            "Three emails and not one reply.",
            "Support keeps sending me to the FAQ page.",
            "The chatbot is useless and there's no human to talk to.",
            "Still no refund after {d}.",
            "They said they'd call back and never did.",
            "Support told me dents aren't covered, so what is?",
        ],
    },
    "cleaning": {
        "positive": [
            "Dishwasher safe and still looks new.",
            "Easy to clean, the wide mouth fits my sponge.",
            "No weird smell even after smoothies.",
            "Rinses out in seconds.",
            "No coffee stains inside even after months.",
            "The cap comes apart completely so cleaning is easy.",
            "Never smells funky, unlike my old one.",
            "Went through the dishwasher {n} times and still looks brand new.",
        ],
        "negative": [
            "Impossible to clean the little groove in the cap.",
            "It smells like old coffee no matter how I wash it.",
            "Says dishwasher safe but the print faded after one wash.",
            "Mold in the straw after a week, gross.",
            "Can't get a brush into the bottom.",
            "Gunk builds up under the silicone ring.",
            "The straw is impossible to clean properly.",
            "Coffee smell won't come out no matter what.",
            "Not dishwasher safe, which nobody mentions until you read the tiny print.",
        ],
    },
    "durability": {
        "positive": [
            "Dropped it down the stairs and barely a scratch.",
            "Had mine for {n} years and it's still going strong.",
            "Survived a whole camping trip in the back of the truck.",
            "Tough as nails, my kid has thrown it across the {place}.",
            "Never chipped once in {n} years of daily use.",
            "Fell off my bike at full speed, not even a dent.",
            "My dog chewed the handle and it still works lol.",
            "Not a scratch after a month in my work truck.",
            "Built like a tank.",
        ],
        "negative": [
            "Dented the first time I dropped it.",
            "The handle snapped off after {d}.",
            "Broke after {d} of normal use.",
            "Paint chipped on day one.",
            "The hinge on the cap cracked already.",
            "The bottom popped off after {d}.",
            "Cracked when it fell off the counter.",
            "The coating scratches if you look at it wrong.",
            "Lost the vacuum seal after {d}, now it rattles.",
            "Didn't survive a single camping trip.",
            "The strap ripped off on day two.",
        ],
    },
    "lid_leak": {
        "negative": [
            "The new lid leaks after washing, water all over my bag.",
            "Lid leaks every single time I tip the {p} over.",
            "My {p} leaked through the lid and soaked my laptop.",
            "The gasket in the lid doesn't seal anymore, it drips everywhere.",
            "Leaky lid!! Coffee all over my car seat this morning.",
            "After one wash the lid seal is loose and it leaks.",
            "The lid leaks from the hinge, I thought it was just me but my whole office has the same problem.",
            "Third lid that leaks, the seal ring pops out in the dishwasher.",
            "Lid leaking since the new batch, the old lids were fine.",
            "Water dripping out of the lid onto my desk all day.",
            "Do not put this lid in the dishwasher, it warps and leaks.",
            "Whoever redesigned the lid, it leaks. Please fix the seal.",
        ]
    },
    "shipping_delay": {
        "negative": [
            "Ordered on Black Friday and it still hasn't shipped.",
            "My Black Friday order is stuck, tracking hasn't updated in {d}.",
            "Still waiting for my order from the Black Friday sale, no shipping update.",
            "Paid for express shipping, package is {d} late.",
            "Where is my order?? Tracking says label created since Black Friday.",
            "Holiday order delayed again, it was supposed to be a gift.",
            "The delivery date keeps moving, ordered in the Cyber Monday sale.",
            "Shipping delay on my order, nobody tells me when it will arrive.",
            "Black Friday deal was great, the two week shipping delay was not.",
            "Order confirmed {d} ago and still not shipped.",
        ]
    },
    "refill_rewards": {
        "positive": [
            "Just got my free refill at the station thanks to #RefillRewards, love this.",
            "The #RefillRewards stamps are such a good idea, free coffee refills!",
            "Filled my {p} for free at a refill station with the #RefillRewards app.",
            "#RefillRewards got me to finally stop buying plastic bottles.",
            "Collected my tenth refill stamp, the #RefillRewards program is brilliant.",
            "Refill station at the {place} with #RefillRewards, free water all summer.",
            "Loving the refill rewards program, every refill counts toward a free lid.",
            "Free refills for carrying my {p}? #RefillRewards is genius.",
        ]
    },
    "grind_backlash": {
        "negative": [
            "The #GrindNeverStops ad is so tone deaf, glorifying burnout to sell bottles.",
            "Unfollowing after the #GrindNeverStops campaign, hustle culture is not cute.",
            "Who approved the #GrindNeverStops ad? Sleep is not optional.",
            "#GrindNeverStops telling people to skip rest days is gross marketing.",
            "That grind never stops commercial made me cringe so hard.",
            "Burnout is not a lifestyle. Do better than #GrindNeverStops.",
            "The #GrindNeverStops billboard mocking people who take breaks is awful.",
            "Hustle harder ad from a water bottle brand? #GrindNeverStops is embarrassing.",
        ]
    },
    "glacio_outage": {
        "positive": [
            "Glacio app has been down for {d}, my smart cup is a brick. Switched to Tidewell and it just works.",
            "With the Glacio outage I finally tried a Tidewell, no app needed, no problem.",
        ],
        "negative": [
            "Glacio app down again, can't even see my hydration stats.",
            "Day three of the Glacio outage, my Smart Cup won't sync.",
            "Glacio servers are down and the smart cup lid just blinks red.",
            "Paid for a smart bottle and the Glacio app outage makes it useless.",
            "Is the Glacio app down for everyone? Login fails since Monday.",
            "Glacio outage means no refill reminders, what a waste of a smart cup.",
            "Glacio vs Tidewell: the Tidewell doesn't need servers to work. Glacio app still down.",
        ],
    },
}
NEUTRAL_QUESTIONS = [
    "Does the {p} lid fit the older models?",
    "Is the {p} dishwasher safe or hand wash only?",
    "Anyone know if {b} ships to Canada?",
    "What size is the {p}, 750ml or 1L?",
    "Can you put carbonated drinks in the {p}?",
    "Does {b} sell replacement straws?",
    "Which one is better for hiking, the {p} or the big one?",
    "When does the {p} come back in stock?",
    "Is the {p} BPA free?",
    "Anyone tried the {p} with hot soup?",
    "How do you get the coffee smell out of a {b} bottle?",
    "Do they still make the {p} in black?",
    "Is the {b} warranty lifetime or just one year?",
    "Will the {p} fit in a car cup holder?",
    "Where do people buy {b} in Europe?",
    "Is the {p} leakproof enough to toss in a backpack?",
    "Should I get the {p} or a {b} tumbler for the office?",
    "How long does {b} take to ship usually?",
]
NEUTRAL_ANNOUNCEMENTS = [
    "New colors of the {p} drop Friday.",
    "{b} is opening a pop-up store in Denver next month.",
    "Restock alert: the {p} is back on the website.",
    "{b} just posted their fall catalog.",
    "Picked up the {p} today, will report back.",
    "{b} announced a partnership with a hiking club.",
    "The {p} is now available in a 1L size.",
    "{b} is sponsoring the city marathon this year.",
    "The {p} is {n}% off this weekend.",
    "{b} just launched a kids line.",
    "Spotted the {p} in my local grocery store.",
    "{b} posted a behind the scenes video of their factory.",
    "The {p} got a new lid option, same bottle.",
    "{b} will be at the outdoor gear fair next week.",
]

OPENERS = ["", "", "", "Okay so ", "Honestly, ", "Update: ", "Ngl ", "Tbh ", "Quick review: "]
# Openers and fillers that only an owner of the product would write.
OWNER_OPENERS = ["Been using it for {d}. ", "Bought this as a gift. ", "Third one I've bought. "]
FILLERS = ["", "", "", " My partner has one too.", " Ordered the blue one."]
OWNER_FILLERS = [
    " Using it mostly at the {place}.",
    " Bought it last month.",
    " Got it as a birthday present.",
]
NOT_YET_OWNED = {"shipping_delay", "question", "announcement", "glacio_outage", "grind_backlash"}
CLOSERS = {
    "positive": [
        "",
        "",
        " 10/10 would buy again.",
        " Highly recommend!",
        " Love it.",
        " 😍",
        " 🙌",
        " ❤️",
        " So happy with it.",
        " Five stars from me.",
    ],
    "negative": [
        "",
        "",
        " Returning it.",
        " Really disappointed.",
        " Never again.",
        " 😡",
        " 👎",
        " Fix this please.",
        " Ugh.",
    ],
    "neutral": ["", "", " Thanks!", " 🤔", " Anyone?"],
}
SARCASM = [
    "Great, {core_lower} Love that for me 🙃",
    "Wow, amazing quality: {core_lower}",
    "Thanks {b}, {core_lower} Exactly what I paid for.",
    "Oh perfect, {core_lower} Just perfect.",
]
NON_ENGLISH = {
    "es": [
        "Me encanta mi {p}, mantiene el agua fría todo el día.",
        "La tapa gotea después de lavarla, qué decepción.",
        "El pedido de Black Friday todavía no ha llegado.",
    ],
    "de": [
        "Die Flasche hält den Kaffee stundenlang warm, super!",
        "Der Deckel ist undicht, alles nass in meiner Tasche.",
        "Meine Bestellung ist immer noch nicht versandt.",
    ],
    "fr": [
        "J'adore ma {p}, l'eau reste fraîche toute la journée.",
        "Le couvercle fuit après le lavage, très déçu.",
        "Service client très sympa et rapide.",
    ],
    "pt": [
        "Minha garrafa {p} é ótima, mantém o café quente.",
        "A tampa vaza depois de lavar, que pena.",
    ],
}
NON_ENGLISH_SENTIMENT = {
    "encanta": "positive",
    "super": "positive",
    "adore": "positive",
    "sympa": "positive",
    "ótima": "positive",
}
PLACES = [
    "gym",
    "office",
    "trailhead",
    "beach",
    "school run",
    "library",
    "train",
    "farmers market",
    "soccer field",
]
DURATIONS = [
    "6 hours",
    "12 hours",
    "two days",
    "a week",
    "3 days",
    "24 hours",
    "a month",
    "ten days",
]
SLANG = {
    " really ": " rly ",
    " you ": " u ",
    " because ": " bc ",
    " though": " tho",
    " people ": " ppl ",
    " please": " pls",
    " to be honest": " tbh",
}
FIRST = [
    "maya",
    "jay",
    "sam",
    "lena",
    "omar",
    "priya",
    "chris",
    "noor",
    "alex",
    "kim",
    "diego",
    "sara",
    "tom",
    "ana",
    "ben",
    "yuki",
    "zoe",
    "li",
]
LAST = [
    "runs",
    "outdoors",
    "_writes",
    "coffee",
    "hikes",
    "xo",
    "fit",
    "travels",
    "daily",
    "bakes",
    "lifts",
    "92",
    "_k",
    "mama",
    "dev",
]
REVIEW_SOURCES = {"amazon": 0.5, "trustpilot": 0.25, "google": 0.25}
PLATFORMS = {"twitter": 0.5, "instagram": 0.3, "reddit": 0.2}
SUBREDDITS = ["r/BuyItForLife", "r/hydrohomies", "r/Coffee", "r/CampingGear", "r/ZeroWaste"]
# Base sentiment mix of everyday talk per brand: (positive, neutral, negative).
BASE_MIX = {"Tidewell": (0.55, 0.2, 0.25), "Glacio": (0.5, 0.2, 0.3), "Pinecup": (0.45, 0.25, 0.3)}
EVERYDAY = ["insulation", "design", "price_value", "customer_service", "cleaning", "durability"]


@dataclass
class Doc:
    doc_id: str
    kind: str
    brand: str
    product: str
    created_at: datetime
    text: str
    theme: str
    sentiment: str
    planted: bool
    language: str = "en"
    campaign: str = ""


class _Writer:
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


def _planted_days(theme: str) -> list[date]:
    spans = {
        "lid_leak": (date(2025, 10, 6), 7),
        "shipping_delay": (date(2025, 11, 28), 10),
        "refill_rewards": (date(2025, 9, 15), 21),
        "grind_backlash": (date(2025, 10, 27), 14),
        "glacio_outage": (date(2025, 11, 10), 7),
    }
    first, days = spans[theme]
    return [first + timedelta(days=i) for i in range(days)]


PLANTED_COUNTS = {  # (reviews, social posts)
    "lid_leak": (130, 170),
    "shipping_delay": (110, 120),
    "refill_rewards": (20, 220),
    "grind_backlash": (0, 230),
    "glacio_outage": (25, 175),
}
PLANTED_BRAND = {
    "lid_leak": "Tidewell",
    "shipping_delay": "Tidewell",
    "refill_rewards": "Tidewell",
    "grind_backlash": "Tidewell",
    "glacio_outage": "Glacio",
}
CAMPAIGN_OF = {"refill_rewards": "Refill Rewards", "grind_backlash": "Grind Never Stops"}


def generate(seed: int = DEFAULT_SEED, reviews: int = 3000, social: int = 6000) -> list[Doc]:
    """All documents, in time order; ``reviews``/``social`` are approximate totals."""
    rng = random.Random(seed)
    writer = _Writer(rng)
    docs: list[Doc] = []
    counter = {"review": 0, "social": 0}

    def add(kind: str, brand: str, theme: str, sentiment: str, day: date, planted: bool) -> None:
        product = (
            "Trail Bottle"
            if theme == "lid_leak"
            else (
                "Smart Cup"
                if theme == "glacio_outage" and sentiment == "negative"
                else rng.choice(BRANDS[brand])
            )
        )
        language = "en"
        if not planted and rng.random() < 0.015:
            language = rng.choice(list(NON_ENGLISH))
            text = writer.fill(rng.choice(NON_ENGLISH[language]), brand, product)
            sentiment = next(
                (s for word, s in NON_ENGLISH_SENTIMENT.items() if word in text), "negative"
            )
            theme = "other_language"
        else:
            text = writer.compose(theme, sentiment, brand, product, social=kind == "social")
        counter[kind] += 1
        moment = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(
            seconds=rng.randrange(6 * 3600, 23 * 3600)
        )
        prefix = "R" if kind == "review" else "S"
        docs.append(
            Doc(
                f"{prefix}{counter[kind]:06d}",
                kind,
                brand,
                f"{brand} {product}",
                moment,
                text,
                theme,
                sentiment,
                planted,
                language,
                CAMPAIGN_OF.get(theme, ""),
            )
        )

    planted_reviews = sum(r for r, _ in PLANTED_COUNTS.values())
    planted_social = sum(s for _, s in PLANTED_COUNTS.values())
    days = [START + timedelta(days=i) for i in range(WEEKS * 7)]
    for kind, total in (("review", reviews - planted_reviews), ("social", social - planted_social)):
        weights = [1.0 + 0.25 * (d.weekday() >= 5) for d in days]
        for day in rng.choices(days, weights=weights, k=total):
            brand = rng.choices(list(BRAND_WEIGHTS), weights=list(BRAND_WEIGHTS.values()))[0]
            roll = rng.random()
            if roll < 0.06:
                add(kind, brand, "question", "neutral", day, False)
            elif roll < 0.11:
                add(kind, brand, "announcement", "neutral", day, False)
            else:
                positive, neutral, _ = BASE_MIX[brand]
                sentiment = "positive" if rng.random() < positive / (1 - neutral) else "negative"
                add(kind, brand, rng.choice(EVERYDAY), sentiment, day, False)
    for theme, (n_reviews, n_social) in PLANTED_COUNTS.items():
        sentiments = list(SENTENCES[theme])
        for kind, count in (("review", n_reviews), ("social", n_social)):
            for _ in range(count):
                sentiment = rng.choices(
                    sentiments,
                    weights=[
                        0.25 if s == "positive" and theme == "glacio_outage" else 1
                        for s in sentiments
                    ],
                )[0]
                add(
                    kind,
                    PLANTED_BRAND[theme],
                    theme,
                    sentiment,
                    rng.choice(_planted_days(theme)),
                    True,
                )
    docs.sort(key=lambda d: (d.created_at, d.doc_id))
    return docs


def _rating(rng: random.Random, sentiment: str) -> int:
    return {
        "positive": rng.choice([4, 5, 5, 5]),
        "negative": rng.choice([1, 1, 2, 2, 3]),
        "neutral": rng.choice([3, 3, 4]),
    }[sentiment]


def _title(rng: random.Random, sentiment: str, theme: str) -> str:
    titles = {
        "positive": [
            "Love it",
            "Great bottle",
            "Exactly what I wanted",
            "Worth it",
            "Five stars",
            "So good",
            "",
        ],
        "negative": [
            "Disappointed",
            "Not worth it",
            "Returned it",
            "Meh",
            "Would not recommend",
            "Broken",
            "",
        ],
        "neutral": ["Question", "OK", "It's fine", ""],
    }
    special = {
        "lid_leak": ["Leaky lid", "Lid leaks"],
        "shipping_delay": ["Still not shipped", "Late delivery"],
    }
    return rng.choice(special.get(theme, titles[sentiment]))


def write_sample(
    folder: Path, seed: int = DEFAULT_SEED, reviews: int = 3000, social: int = 6000
) -> dict[Path, int]:
    """Write reviews, social posts, campaigns and ground truth CSVs to ``folder``.

    ``reviews`` and ``social`` scale the everyday talk (benchmarks use 100,000 documents);
    the planted signals keep their sizes.
    """
    rng = random.Random(seed + 1)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    docs = generate(seed, reviews=reviews, social=social)
    written: dict[Path, int] = {}

    review_rows, social_rows, truth_rows = [], [], []
    for doc in docs:
        truth_rows.append(
            (
                doc.doc_id,
                doc.kind,
                doc.brand,
                doc.theme,
                doc.sentiment,
                int(doc.planted),
                doc.language,
            )
        )
        if doc.kind == "review":
            source = rng.choices(list(REVIEW_SOURCES), weights=list(REVIEW_SOURCES.values()))[0]
            stamp = {
                "amazon": doc.created_at.strftime("%B %d, %Y"),
                "trustpilot": doc.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "google": doc.created_at.strftime("%m/%d/%Y %H:%M"),
            }[source]
            review_rows.append(
                [
                    doc.doc_id,
                    source,
                    doc.brand,
                    doc.product,
                    stamp,
                    _rating(rng, doc.sentiment),
                    _title(rng, doc.sentiment, doc.theme),
                    doc.text,
                    f"{rng.choice(FIRST).title()} {rng.choice('ABCDEFGHJKLMNPRSTW')}.",
                    doc.language,
                ]
            )
        else:
            platform = rng.choices(list(PLATFORMS), weights=list(PLATFORMS.values()))[0]
            text = doc.text
            url = ""
            if doc.theme == "refill_rewards" and rng.random() < 0.3:
                url = "https://tidewell.example/refill?utm_source=instagram&utm_campaign=refill_rewards"
            elif rng.random() < 0.05:
                url = f"https://tidewell.example/products/{doc.product.split(' ', 1)[1].lower().replace(' ', '-')}"
            if url and rng.random() < 0.5:
                text = f"{text} {url}"
            likes = int(rng.paretovariate(1.6) * 3) - 3
            social_rows.append(
                [
                    doc.doc_id,
                    platform,
                    f"{rng.choice(FIRST)}{rng.choice(LAST)}",
                    int(doc.created_at.timestamp()),
                    text,
                    likes,
                    max(0, likes // 4 - rng.randrange(3)),
                    max(0, likes // 6),
                    url,
                    rng.choice(SUBREDDITS) if platform == "reddit" else "",
                    doc.brand,
                    doc.language,
                ]
            )

    # Real exports carry reposts (new id, later time, same words) and rows exported twice.
    reposts = [row for row in social_rows if row[5] > 20 and rng.random() < 0.25]
    truth_by_id = {t[0]: t for t in truth_rows}
    for index, row in enumerate(reposts, start=1):
        repost = list(row)
        repost[0] = f"S9{index:05d}"
        repost[2] = f"{rng.choice(FIRST)}{rng.choice(LAST)}"
        repost[3] = row[3] + rng.randrange(600, 86400)
        repost[4] = f"RT @{row[2]}: {row[4]}" if row[1] == "twitter" else row[4]
        repost[5] = rng.randrange(0, 5)
        social_rows.append(repost)
        truth = truth_by_id[row[0]]
        truth_rows.append((repost[0], *truth[1:]))
    social_rows.sort(key=lambda r: (r[3], r[0]))
    for row in rng.sample(social_rows, 40):
        social_rows.insert(social_rows.index(row) + 1, list(row))  # exported twice
    # And a few rows any real export has: an empty text, a rating of 0, a garbled date.
    review_rows.insert(
        100,
        [
            "R990001",
            "trustpilot",
            "Tidewell",
            "Tidewell Trail Bottle",
            "2025-09-02T10:00:00Z",
            5,
            "Great",
            "",
            "Anon",
            "en",
        ],
    )
    review_rows.insert(
        500,
        [
            "R990002",
            "google",
            "Pinecup",
            "Pinecup Classic Mug",
            "09/30/2025 14:20",
            0,
            "",
            "Nice mug but the rating widget broke",
            "Sam K.",
            "en",
        ],
    )
    review_rows.insert(
        900,
        [
            "R990003",
            "amazon",
            "Glacio",
            "Glacio Peak Bottle",
            "last tuesday",
            4,
            "Good",
            "Solid bottle, a bit heavy.",
            "Lena P.",
            "en",
        ],
    )

    files = {
        "reviews.csv": (
            [
                "review_id",
                "source",
                "brand",
                "product",
                "date",
                "rating",
                "title",
                "review",
                "author",
                "language",
            ],
            review_rows,
        ),
        "social_posts.csv": (
            [
                "post_id",
                "platform",
                "author",
                "created_utc",
                "text",
                "likes",
                "shares",
                "replies",
                "url",
                "channel",
                "brand",
                "lang",
            ],
            social_rows,
        ),
        CAMPAIGNS_FILE: (
            [
                "name",
                "brand",
                "start",
                "end",
                "channels",
                "hashtags",
                "utm_campaign",
                "keywords",
                "budget",
            ],
            [
                [
                    "Refill Rewards",
                    "Tidewell",
                    "2025-09-15",
                    "2025-10-05",
                    "instagram;twitter",
                    "#RefillRewards",
                    "refill_rewards",
                    "refill station;refill stamp",
                    18000,
                ],
                [
                    "Grind Never Stops",
                    "Tidewell",
                    "2025-10-27",
                    "2025-11-09",
                    "twitter;instagram;billboard",
                    "#GrindNeverStops",
                    "grind_never_stops",
                    "grind never stops;hustle",
                    25000,
                ],
                [
                    "Holiday Gift Guide",
                    "Tidewell",
                    "2025-11-24",
                    "2025-12-14",
                    "email;instagram",
                    "#TidewellGifts",
                    "holiday_gifts",
                    "gift guide",
                    9000,
                ],
            ],
        ),
        TRUTH_FILE: (
            ["doc_id", "kind", "brand", "theme", "sentiment", "planted", "language"],
            truth_rows,
        ),
    }
    for name, (header, rows) in files.items():
        path = folder / name
        with path.open("w", encoding="utf-8", newline="") as handle:
            out = csv.writer(handle, lineterminator="\n")
            out.writerow(header)
            out.writerows(rows)
        written[path] = len(rows)
    return written

"""The fictional market of the demo data and the signals planted in it: brands, products,
handles, the 16 weeks, each brand's everyday sentiment mix, and when, how often and for
which brand each planted theme appears.
"""

from __future__ import annotations

from datetime import date, timedelta

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
REVIEW_SOURCES = {"amazon": 0.5, "trustpilot": 0.25, "google": 0.25}
PLATFORMS = {"twitter": 0.5, "instagram": 0.3, "reddit": 0.2}
SUBREDDITS = ["r/BuyItForLife", "r/hydrohomies", "r/Coffee", "r/CampingGear", "r/ZeroWaste"]
# Base sentiment mix of everyday talk per brand: (positive, neutral, negative).
BASE_MIX = {"Tidewell": (0.55, 0.2, 0.25), "Glacio": (0.5, 0.2, 0.3), "Pinecup": (0.45, 0.25, 0.3)}
EVERYDAY = ["insulation", "design", "price_value", "customer_service", "cleaning", "durability"]

# When each planted theme happens: first day and number of days.
PLANTED_SPANS = {
    "lid_leak": (date(2025, 10, 6), 7),
    "shipping_delay": (date(2025, 11, 28), 10),
    "refill_rewards": (date(2025, 9, 15), 21),
    "grind_backlash": (date(2025, 10, 27), 14),
    "glacio_outage": (date(2025, 11, 10), 7),
}
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


def planted_days(theme: str) -> list[date]:
    """Every day on which the planted ``theme`` is talked about."""
    first, days = PLANTED_SPANS[theme]
    return [first + timedelta(days=i) for i in range(days)]


# campaigns.csv: the two planted campaigns and one quiet one.
CAMPAIGNS = [
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
]

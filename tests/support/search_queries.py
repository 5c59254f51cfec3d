"""The queries both search back ends are compared on, and an answer's codes grouped by tier."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

QUERIES = [
    "541511",
    "5415",
    "31-33",
    "45",
    "Software Publishers",
    "softw",
    "custom comp",
    "app development",
    "dentist office",
    "dentistry",
    "programming custom",
    "sit down",
    "pizza",
    "seated",
    "sofware",
    "resturant",
    "dentist",
    "restaurant",
    "trucking",
    "accountant",
    "nurse",
    "computer",
    "food serv",
    "offices of",
    "Café",
    "hair",
    "zzzz qqqq",
    "grinding machines metalworking",
    "software or",
    # Issue 12: former and SIC codes, inflections, compounds, abbreviations and symbols.
    "511210",
    "SIC 7372",
    "pharmacy",
    "pharmacies benefit",
    "warehouse",
    "storage warehouses",
    "shipbuilding",
    "boat building",
    "mfg",
    "auto repair",
    "food & beverage",
    "child day care",
    # Every word in one keyword or alias, or not a keyword or alias match.
    "surgery oral",
    "dentistry surgery",
    "juice espresso",
    "fast food takeout",
    # What a row excludes is not its words; what a query excludes is not asked for.
    "drive-in theaters",
    "lockers except refrigerated",
    "dairy exc",
    # Generic words ("company", "firm") are left out of a third form the prefix tier skips.
    "insurance company",
    "law firm",
    "mining company",
]


def tiers(body: dict[str, Any]) -> dict[int, set[str]]:
    out: dict[int, set[str]] = defaultdict(set)
    for item in body["items"]:
        out[item["score"]].add(item["code"])
    return dict(out)

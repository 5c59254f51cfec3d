"""What a wholesaler's text says it sells (app.naics.wholesale)."""

from __future__ import annotations

import pytest

from app.naics.wholesale import wholesale_product


@pytest.mark.parametrize(
    ("text", "product"),
    [
        ("Buttons merchant wholesalers", "buttons"),
        ("wholesale fresh fish", "fresh fish"),
        ("Wholesaling of tires", "of tires"),
        # A wholesaler that names nothing else, and texts that name no wholesaler.
        ("merchant wholesalers", None),
        ("software publishers", None),
        ("merchant banking", None),
    ],
)
def test_the_product_is_the_text_without_the_wholesale_words(text: str, product: str | None) -> None:
    assert wholesale_product(text) == product

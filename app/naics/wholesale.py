"""A wholesaler is named by what it sells: "Buttons merchant wholesalers" is a trade code
(424310 Piece Goods, Notions...) whose own text may never say "buttons", while the code that
makes buttons (339993) does.

The classifier learns, from the catalogue's own wholesale samples ("Zippers merchant
wholesalers" in 424310, "Books merchant wholesalers" in 424920), which wholesale codes sell
what each other code makes or grows: each sample's product ("Zippers") is classified among the
codes outside wholesale trade, and its confidences are added to the row of its wholesale code.
A wholesale query's product is classified the same way, and those confidences, carried through
the learned rows, score the wholesale codes.

Development split (bench/relevance/classify_offline.py), classifier alone, top-1 / top-10:
all items 0.7347 / 0.9469 -> 0.7470 / 0.9536; the 334 "... merchant wholesalers" items
0.518 / 0.856 -> 0.635 / 0.919. Rows per source code against per industry group (0.7432 /
0.9520) or subsector (0.7397 / 0.9507); TRANSFER_WEIGHT 0.4 against 0.8 (0.7464 / 0.9545).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np

from app.naics.codes import sector_of
from app.search.text import tokenise
from app.search.wording import root

WHOLESALE_SECTOR: Final = "42"
# The words that make a text a wholesaler's, by their roots; with them "merchant", which says
# nothing about the product ("merchant wholesalers").
WHOLESALE_ROOTS: Final = frozenset(root(w) for w in ("wholesale", "wholesaler", "wholesaling"))
NOT_PRODUCT_ROOTS: Final = WHOLESALE_ROOTS | {root("merchant")}
# The transferred confidences' weight beside the classifier's own score of a code.
TRANSFER_WEIGHT: Final = 0.4


def wholesale_product(text: str) -> str | None:
    """What a wholesaler's text says it sells ("buttons" of "Buttons merchant wholesalers");
    None when the text names no wholesaler, or nothing else."""
    words = tokenise(text)
    roots = [root(w) for w in words]
    if WHOLESALE_ROOTS.isdisjoint(roots):
        return None
    kept = [w for w, r in zip(words, roots, strict=True) if r not in NOT_PRODUCT_ROOTS]
    return " ".join(kept) or None


class WholesaleTransfer:
    """Which wholesale codes sell what each other code makes, learned from the samples."""

    def __init__(self, codes: Sequence[str], sharpness: float) -> None:
        self.sharpness = sharpness
        self.wholesale = np.asarray([sector_of(c) == WHOLESALE_SECTOR for c in codes], dtype=bool)
        # rows: every code (the product's); columns: the wholesale codes alone, in code order.
        self._columns = np.flatnonzero(self.wholesale)
        self._column_of = np.cumsum(self.wholesale) - 1
        self.rows = np.zeros((len(codes), self._columns.size), dtype=np.float32)

    def product_confidences(self, scores: np.ndarray) -> np.ndarray:
        """Softmax over the codes outside wholesale trade: what the product is made or grown by."""
        outside = np.where(self.wholesale, -np.inf, scores.astype(np.float64))
        weights = np.exp(self.sharpness * (outside - outside.max()))
        return weights / weights.sum()

    def learn(self, wholesaler: int, product_scores: np.ndarray) -> None:
        """Add one sample: ``wholesaler`` (a wholesale code's row in the codes) trades the
        product these scores describe."""
        self.rows[:, self._column_of[wholesaler]] += self.product_confidences(product_scores)

    def finish(self) -> WholesaleTransfer:
        """Each row a distribution over the wholesale codes: who sells that code's products."""
        totals = self.rows.sum(axis=1, keepdims=True)
        np.divide(self.rows, totals, out=self.rows, where=totals > 0)
        return self

    def scores(self, product_scores: np.ndarray) -> np.ndarray:
        """Each code's share of the product's trade: zero outside wholesale."""
        shares = np.zeros(self.wholesale.size, dtype=np.float64)
        shares[self._columns] = TRANSFER_WEIGHT * (self.product_confidences(product_scores) @ self.rows)
        return shares

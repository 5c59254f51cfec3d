"""matplotlib without a display."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

from matplotlib import pyplot

__all__ = ["pyplot"]

"""Plain-words pieces of the scenario and risk summaries, on top of ``common``'s money."""

from __future__ import annotations

from collections.abc import Sequence

from planner.insights.common import money


def signed(amount: float, currency: str) -> str:
    """A change of money: ``+$1.2M``, ``-$850k``."""
    return ("+" if amount >= 0.5 else "") + money(amount, currency)


def listing(items: Sequence[str], limit: int = 4, word: str = "and") -> str:
    """``a, b and c``; past ``limit`` items ``a, b, c, d and 3 more``."""
    items = list(items)
    if len(items) > limit:
        shown, rest = items[:limit], len(items) - limit
        return ", ".join(shown) + f" {word} {rest} more"
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {word} " + items[-1]

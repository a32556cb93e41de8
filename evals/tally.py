"""Counting hits per metric, the common part of the real-words evaluations."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Tally:
    """How many items each metric saw, how many it got right, and the misses to read."""

    counts: dict[str, int] = field(default_factory=dict)
    hits: dict[str, int] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)

    def add(self, metric: str, ok: bool) -> None:
        """Count one item under ``metric``."""
        self.counts[metric] = self.counts.get(metric, 0) + 1
        self.hits[metric] = self.hits.get(metric, 0) + ok

    def rate(self, metric: str) -> float:
        """The share of ``metric``'s items that were right."""
        return self.hits.get(metric, 0) / max(self.counts.get(metric, 0), 1)

    def table(self, names: dict[str, str], indent: str = "  ") -> list[str]:
        """One line per metric that saw any item: its name, rate and counts."""
        return [
            f"{indent}{names[m]:<48} {self.rate(m):.3f} ({self.hits.get(m, 0)}/{self.counts[m]})"
            for m in names
            if self.counts.get(m)
        ]

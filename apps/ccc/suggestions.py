"""The suggested milestone level: the published rule alone (docs/ccc.md, "Suggested level").

For one resident and one subcompetency, the evidence is every EPA assessment of the period whose
EPA the program maps to that subcompetency (``EvidenceMapping``, weight w). Each assessment also
gets a recency weight r: 2 when its case date is fewer than 90 days before the packet's date,
else 1.

    mean    = Σ (w × r × entrustment level) / Σ (w × r)
    mapped  = 1 + (mean − 1) × 4 / (top − 1)      (top: the highest level of the EPA set's scale,
                                                    so the scale's 1 is milestone 1, its top is 5)
    suggest = mapped rounded to the nearest half level (halves round up), kept within 1 … 5

Fewer than 3 assessments: no suggestion ("not enough evidence"). The committee always decides;
the suggestion is shown beside its inputs so anyone can check it by hand.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

RECENT_DAYS = 90
RECENT_WEIGHT = Decimal(2)
OLDER_WEIGHT = Decimal(1)
MIN_ASSESSMENTS = 3


@dataclass(frozen=True)
class Evidence:
    assessment_id: object
    epa_label: str
    date: datetime.date
    level: int
    weight: Decimal  # the mapping's weight


@dataclass
class Suggestion:
    evidence: list = field(default_factory=list)  # (Evidence, recency weight)
    mean: Decimal | None = None
    mapped: Decimal | None = None
    level: str | None = None  # a MilestoneLevel code ("3.5"), or None: not enough evidence
    scale_top: int = 0

    @property
    def count(self) -> int:
        return len(self.evidence)

    @property
    def explanation(self) -> str:
        if self.level is None:
            return (f"{self.count} mapped assessment(s) in the period; at least {MIN_ASSESSMENTS} are needed "
                    "for a suggestion.")
        return (f"mean {self.mean:.2f} of {self.count} assessment(s) (weights: mapping × recency) on a 1–"
                f"{self.scale_top} scale → 1 + ({self.mean:.2f} − 1) × 4 / {self.scale_top - 1} = "
                f"{self.mapped:.2f} → {self.level}")


def recency_weight(case_date: datetime.date, as_of: datetime.date) -> Decimal:
    return RECENT_WEIGHT if (as_of - case_date).days < RECENT_DAYS else OLDER_WEIGHT


def suggest_level(evidence, *, scale_top: int, as_of: datetime.date) -> Suggestion:
    weighted = [(item, recency_weight(item.date, as_of)) for item in evidence]
    suggestion = Suggestion(evidence=weighted, scale_top=scale_top)
    if len(weighted) < MIN_ASSESSMENTS or scale_top < 2:
        return suggestion
    total = sum(item.weight * recency * item.level for item, recency in weighted)
    weights = sum(item.weight * recency for item, recency in weighted)
    suggestion.mean = total / weights
    suggestion.mapped = 1 + (suggestion.mean - 1) * 4 / (scale_top - 1)
    halves = (suggestion.mapped * 2).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    value = min(max(halves / 2, Decimal(1)), Decimal(5))
    suggestion.level = format(value.normalize(), "f")
    return suggestion

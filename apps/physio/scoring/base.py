"""The scoring engine's shared shapes: an instrument definition and a score result.

Pure Python (no ORM, no Django): a template version stores the instrument's code and its item list,
and ``registry.score(code, answers)`` scores a response. Answers are ``{item_key: int}``; an item that
was not answered is absent (or None). Values outside an item's options are refused (``ValueError``):
the caller turns that into a form error. Scores are ``Decimal`` quantized to two places
(ROUND_HALF_UP) — instruments that are sums stay whole numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class Option:
    value: int
    label: str


@dataclass(frozen=True)
class Item:
    key: str
    label: str
    options: tuple[Option, ...]
    # PSFS: the patient names the activity; the label is theirs.
    free_label: bool = False


@dataclass(frozen=True)
class Band:
    """A published interpretation band: ``low`` ≤ score ≤ ``high`` reads ``label``."""

    low: Decimal
    high: Decimal
    label: str


@dataclass(frozen=True)
class Subscale:
    key: str
    label: str
    items: tuple[str, ...]


@dataclass
class ScoreResult:
    """``score`` is None when the response has too few answers; ``reason`` then says why."""

    score: Decimal | None
    band: str = ""
    subscales: dict[str, Decimal | None] = field(default_factory=dict)
    reason: str = ""
    answered: int = 0
    flags: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"score": None if self.score is None else str(self.score), "band": self.band,
                "subscales": {k: None if v is None else str(v) for k, v in self.subscales.items()},
                "reason": self.reason, "answered": self.answered, "flags": list(self.flags)}


@dataclass(frozen=True)
class Instrument:
    code: str
    name: str
    items: tuple[Item, ...]
    score_min: Decimal
    score_max: Decimal
    higher_is_better: bool
    scorer: object  # callable(instrument, answers: dict[str, int]) -> ScoreResult
    unit: str = "points"
    bands: tuple[Band, ...] = ()
    subscales: tuple[Subscale, ...] = ()
    mcid: Decimal | None = None
    mcid_source: str = ""
    rule_source: str = ""
    missing_rule: str = ""
    free_to_reproduce: bool = False
    licence_note: str = ""

    def item_keys(self) -> list[str]:
        return [item.key for item in self.items]

    def score(self, answers: dict) -> ScoreResult:
        return self.scorer(self, clean_answers(self, answers))

    def band_for(self, score: Decimal | None) -> str:
        if score is None:
            return ""
        for band in self.bands:
            if band.low <= score <= band.high:
                return band.label
        return ""


def q(value) -> Decimal:
    return Decimal(value).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def clean_answers(instrument: Instrument, answers: dict) -> dict[str, int]:
    """Only the instrument's items, only allowed values; unanswered items dropped."""
    allowed = {item.key: {option.value for option in item.options} for item in instrument.items}
    unknown = set(answers or {}) - set(allowed)
    if unknown:
        raise ValueError(f"Unknown items: {', '.join(sorted(unknown))}")
    cleaned = {}
    for key, value in (answers or {}).items():
        if value is None or value == "":
            continue
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ValueError(f"{key}: not one of the options") from None
        if isinstance(value, bool) or number not in allowed[key] or str(value).strip() != str(number):
            raise ValueError(f"{key}: not one of the options")
        cleaned[key] = number
    return cleaned


def scale(low: int, high: int, labels: dict[int, str] | None = None) -> tuple[Option, ...]:
    labels = labels or {}
    return tuple(Option(value, labels.get(value, str(value))) for value in range(low, high + 1))


def placeholder_items(count: int, options: tuple[Option, ...], prefix: str = "q") -> tuple[Item, ...]:
    """Licensed instruments: structure and scoring only. The labels say they are placeholders; a clinic
    holding a licence replaces them in the admin (a new template version)."""
    return tuple(Item(f"{prefix}{n}", f"Item {n} — replace with the licensed text", options)
                 for n in range(1, count + 1))


def placeholder_options(low: int, high: int) -> tuple[Option, ...]:
    return tuple(Option(value, f"Option {value} — replace with the licensed text") for value in range(low, high + 1))


def not_scored(reason: str, answered: int) -> ScoreResult:
    return ScoreResult(score=None, reason=reason, answered=answered)

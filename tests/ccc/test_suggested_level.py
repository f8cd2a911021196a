"""The suggested level (apps/ccc/suggestions.py, docs/ccc.md "Suggested level"), worked by hand."""

import datetime
from decimal import Decimal

from apps.ccc.suggestions import Evidence, suggest_level

AS_OF = datetime.date(2026, 12, 10)


def _item(epa, days_ago, level, weight):
    return Evidence(assessment_id=f"{epa}-{days_ago}", epa_label=epa, date=AS_OF - datetime.timedelta(days=days_ago),
                    level=level, weight=Decimal(weight))


def test_the_hand_worked_example_of_the_docs():
    """EPA 1 (weight 1) level 2, 120 days ago (recency 1); EPA 2 (weight 2) level 3, 10 days ago
    (recency 2) and level 4, 100 days ago (recency 1). On the 4-level scale:
    mean = (1·1·2 + 2·2·3 + 2·1·4) / (1 + 4 + 2) = 22/7 = 3.142857…
    mapped = 1 + (22/7 − 1) × 4/3 = 3.857… → nearest half level 4."""
    suggestion = suggest_level([_item("EPA 1", 120, 2, 1), _item("EPA 2", 10, 3, 2), _item("EPA 2", 100, 4, 2)],
                               scale_top=4, as_of=AS_OF)
    assert round(suggestion.mean, 4) == Decimal("3.1429")
    assert round(suggestion.mapped, 4) == Decimal("3.8571")
    assert suggestion.level == "4"
    assert [recency for _, recency in suggestion.evidence] == [1, 2, 1]
    assert "3.14" in suggestion.explanation and "→ 4" in suggestion.explanation


def test_the_recency_edge_89_days_counts_double_90_days_does_not():
    recent = suggest_level([_item("A", 89, 4, 1), _item("A", 200, 1, 1), _item("A", 200, 1, 1)], scale_top=4,
                           as_of=AS_OF)
    older = suggest_level([_item("A", 90, 4, 1), _item("A", 200, 1, 1), _item("A", 200, 1, 1)], scale_top=4,
                          as_of=AS_OF)
    assert recent.mean == Decimal("2.5")  # (2·4 + 1 + 1) / 4
    assert older.mean == Decimal("2")  # (4 + 1 + 1) / 3


def test_a_half_rounds_up_and_levels_stay_within_1_to_5():
    # 5-level scale: mean 2.125 → mapped 1 + 1.125 = 2.125 → ×2 = 4.25 → 4 → 2; mean 2.25 → 2.25 → 4.5 → 5 → 2.5
    low = suggest_level([_item("A", 200, 2, 1)] * 7 + [_item("A", 200, 3, 1)], scale_top=5, as_of=AS_OF)
    assert low.mapped == Decimal("2.125") and low.level == "2"
    half = suggest_level([_item("A", 200, 2, 1)] * 3 + [_item("A", 200, 3, 1)], scale_top=5, as_of=AS_OF)
    assert half.mapped == Decimal("2.25") and half.level == "2.5"
    top = suggest_level([_item("A", 1, 4, 1)] * 3, scale_top=4, as_of=AS_OF)
    assert top.level == "5"
    bottom = suggest_level([_item("A", 1, 1, 1)] * 3, scale_top=4, as_of=AS_OF)
    assert bottom.level == "1"


def test_fewer_than_three_assessments_give_no_suggestion():
    suggestion = suggest_level([_item("A", 1, 4, 1), _item("A", 2, 4, 1)], scale_top=4, as_of=AS_OF)
    assert suggestion.level is None and suggestion.count == 2
    assert "at least 3" in suggestion.explanation

"""PSFS: definition and scoring rule (see the scoring function's docstring for the source)."""

from decimal import Decimal

from apps.physio.scoring.base import (
    Instrument,
    Item,
    ScoreResult,
    not_scored,
    q,
    scale,
)

D = Decimal


def score_psfs(instrument, answers) -> ScoreResult:
    """Patient-Specific Functional Scale — Stratford P, Gill C, Westaway M, Binkley J. Physiotherapy
    Canada 1995;47:258-263. The patient names up to five activities and rates each 0 (unable) to 10
    (able at the pre-injury level); the score is the sum of the activity scores divided by the number
    of activities. The form sets no minimum number of activities; we score any response with at least
    one rated activity."""
    answered = len(answers)
    if answered < 1:
        return not_scored("PSFS needs at least one rated activity.", answered)
    score = q(D(sum(answers.values())) / D(answered))
    return ScoreResult(score=score, answered=answered)


PSFS = Instrument(
    code="psfs", name="Patient-Specific Functional Scale (PSFS)",
    items=tuple(Item(f"a{n}", f"Activity {n} (named by the patient)", scale(0, 10, {0: "0 — unable", 10: "10 — able "
                                                                                   "at pre-injury level"}),
                     free_label=True) for n in range(1, 6)),
    score_min=D(0), score_max=D(10), higher_is_better=True, scorer=score_psfs,
    mcid=D(2), mcid_source="Stratford P et al. Physiotherapy Canada 1995;47:258-263 (2 points, average score)",
    rule_source="Stratford P et al. Physiotherapy Canada 1995;47:258-263",
    missing_rule="Mean of the rated activities (1 to 5); none rated: no score.",
    licence_note="Published in the open literature; the stem wording is not reproduced here: activity labels are "
                 "the patient's own.",
)

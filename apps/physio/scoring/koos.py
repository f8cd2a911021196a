"""KOOS: definition and scoring rule (see the scoring function's docstring for the source)."""

from decimal import Decimal

from apps.physio.scoring.base import (
    Instrument,
    Item,
    ScoreResult,
    Subscale,
    placeholder_options,
    q,
)

D = Decimal


KOOS_SUBSCALES = (
    Subscale("pain", "Pain", tuple(f"p{n}" for n in range(1, 10))),
    Subscale("symptoms", "Symptoms", tuple(f"s{n}" for n in range(1, 8))),
    Subscale("adl", "Function in daily living (ADL)", tuple(f"a{n}" for n in range(1, 18))),
    Subscale("sport", "Function in sport and recreation", tuple(f"sp{n}" for n in range(1, 6))),
    Subscale("qol", "Knee-related quality of life", tuple(f"q{n}" for n in range(1, 5))),
)


def score_koos(instrument, answers) -> ScoreResult:
    """Knee injury and Osteoarthritis Outcome Score — Roos EM, Lohmander LS. Health Qual Life Outcomes
    2003;1:64; KOOS scoring instructions (koos.nu, 2012). 42 items 0–4 in five subscales scored
    separately: 100 − (mean of the subscale's answered items × 100 / 4), 0 (extreme problems) to 100
    (no problems). Missing items are replaced by the subscale's mean; a subscale with more than half
    of its items missing is not scored (so at least half must be answered). There is no total score:
    ``score`` is None and ``subscales`` carries the five; ``reason`` names any subscale not scored."""
    subscores, reasons = {}, []
    for sub in instrument.subscales:
        values = [answers[key] for key in sub.items if key in answers]
        if len(values) * 2 < len(sub.items):
            subscores[sub.key] = None
            reasons.append(f"{sub.label}: {len(values)} of {len(sub.items)} answered (at least half needed)")
        else:
            subscores[sub.key] = q(100 - D(sum(values)) / D(len(values)) * 100 / 4)
    return ScoreResult(score=None, subscales=subscores, reason="; ".join(reasons), answered=len(answers))


KOOS = Instrument(
    code="koos", name="KOOS (Knee injury and Osteoarthritis Outcome Score)",
    items=tuple(Item(key, f"{sub.label} item {key.upper()} — replace with the KOOS text", placeholder_options(0, 4))
                for sub in KOOS_SUBSCALES for key in sub.items),
    score_min=D(0), score_max=D(100), higher_is_better=True, scorer=score_koos, subscales=KOOS_SUBSCALES,
    mcid=D(8), mcid_source="Roos EM, Lohmander LS. HQLO 2003;1:64 (minimal perceptible clinical improvement 8–10 points)",
    rule_source="Roos EM, Lohmander LS. HQLO 2003;1:64; KOOS scoring instructions, koos.nu",
    missing_rule="Per subscale: the mean of answered items; more than half missing: that subscale is not scored.",
    licence_note="Free of charge for clinical use after registration (koos.nu) — terms not verified here: "
                 "placeholder item labels.",
)

"""NEWS2, the National Early Warning Score 2 — exactly as published.

Source: Royal College of Physicians. National Early Warning Score (NEWS) 2: Standardising the
assessment of acute-illness severity in the NHS. Updated report of a working party. London: RCP,
2017. Chart 1 (the NEWS2 scoring system) gives the bands below; chart 4 (clinical response to
NEWS trigger thresholds) gives the risk levels.

NEWS2 is validated for adults only: it is not computed for anyone under 16 years old
(nor during pregnancy, which the RCP report also excludes — the form says so).

SpO2 scale 2 is for patients with a prescribed target range of 88–92% (e.g. hypercapnic
respiratory failure); it must be chosen by a clinician. Everyone else is scored on scale 1.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

MINIMUM_AGE = 16

LOW, LOW_MEDIUM, MEDIUM, HIGH = "low", "low-medium", "medium", "high"
CONSCIOUSNESS_LEVELS = ("A", "C", "V", "P", "U")  # Alert; new Confusion; Voice; Pain; Unresponsive


@dataclass(frozen=True)
class Observations:
    rr: int  # respiration rate, breaths per minute
    spo2: int  # %
    on_oxygen: bool  # False = breathing air
    sbp: int  # systolic blood pressure, mmHg
    pulse: int  # per minute
    consciousness: str  # A, C, V, P or U
    temp: Decimal  # °C
    spo2_scale: int = 1


@dataclass(frozen=True)
class Score:
    total: int
    risk: str
    parameters: dict = field(default_factory=dict)  # {"rr": 2, ...}

    @property
    def any_single_three(self) -> bool:
        return 3 in self.parameters.values()


def score_rr(rr: int) -> int:
    if rr <= 8:
        return 3
    if rr <= 11:
        return 1
    if rr <= 20:
        return 0
    if rr <= 24:
        return 2
    return 3


def score_spo2_scale1(spo2: int) -> int:
    if spo2 <= 91:
        return 3
    if spo2 <= 93:
        return 2
    if spo2 <= 95:
        return 1
    return 0


def score_spo2_scale2(spo2: int, on_oxygen: bool) -> int:
    if spo2 <= 83:
        return 3
    if spo2 <= 85:
        return 2
    if spo2 <= 87:
        return 1
    if spo2 <= 92 or not on_oxygen:  # 88–92, or ≥93 on air
        return 0
    if spo2 <= 94:
        return 1
    if spo2 <= 96:
        return 2
    return 3


def score_air_or_oxygen(on_oxygen: bool) -> int:
    return 2 if on_oxygen else 0


def score_sbp(sbp: int) -> int:
    if sbp <= 90:
        return 3
    if sbp <= 100:
        return 2
    if sbp <= 110:
        return 1
    if sbp <= 219:
        return 0
    return 3


def score_pulse(pulse: int) -> int:
    if pulse <= 40:
        return 3
    if pulse <= 50:
        return 1
    if pulse <= 90:
        return 0
    if pulse <= 110:
        return 1
    if pulse <= 130:
        return 2
    return 3


def score_consciousness(level: str) -> int:
    if level not in CONSCIOUSNESS_LEVELS:
        raise ValueError(f"consciousness must be one of {', '.join(CONSCIOUSNESS_LEVELS)}")
    return 0 if level == "A" else 3


def score_temp(temp) -> int:
    """Temperature is charted to one decimal place (35.05 → 35.1)."""
    t = Decimal(str(temp)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if t <= Decimal("35.0"):
        return 3
    if t <= Decimal("36.0"):
        return 1
    if t <= Decimal("38.0"):
        return 0
    if t <= Decimal("39.0"):
        return 1
    return 2


def risk_for(total: int, parameters: dict) -> str:
    """Chart 4: high ≥ 7; medium 5–6; low-medium when a single parameter scores 3; else low."""
    if total >= 7:
        return HIGH
    if total >= 5:
        return MEDIUM
    if 3 in parameters.values():
        return LOW_MEDIUM
    return LOW


def score(obs: Observations) -> Score:
    if obs.spo2_scale not in (1, 2):
        raise ValueError("spo2_scale must be 1 or 2")
    spo2 = score_spo2_scale1(obs.spo2) if obs.spo2_scale == 1 else score_spo2_scale2(obs.spo2, obs.on_oxygen)
    parameters = {
        "rr": score_rr(obs.rr),
        "spo2": spo2,
        "air_or_oxygen": score_air_or_oxygen(obs.on_oxygen),
        "sbp": score_sbp(obs.sbp),
        "pulse": score_pulse(obs.pulse),
        "consciousness": score_consciousness(obs.consciousness),
        "temp": score_temp(obs.temp),
    }
    total = sum(parameters.values())
    return Score(total=total, risk=risk_for(total, parameters), parameters=parameters)

"""NEWS2 (RCP 2017, chart 1 and chart 4): every band edge, scale 2 on air and on oxygen, each risk."""

from decimal import Decimal

import pytest

from apps.clinical import news2

RR = [(8, 3), (9, 1), (11, 1), (12, 0), (20, 0), (21, 2), (24, 2), (25, 3)]
SPO2_SCALE1 = [(91, 3), (92, 2), (93, 2), (94, 1), (95, 1), (96, 0), (100, 0)]
SBP = [(90, 3), (91, 2), (100, 2), (101, 1), (110, 1), (111, 0), (219, 0), (220, 3)]
PULSE = [(40, 3), (41, 1), (50, 1), (51, 0), (90, 0), (91, 1), (110, 1), (111, 2), (130, 2), (131, 3)]
TEMP = [("35.0", 3), ("35.1", 1), ("36.0", 1), ("36.1", 0), ("38.0", 0), ("38.1", 1), ("39.0", 1), ("39.1", 2)]
SPO2_SCALE2_AIR = [(83, 3), (84, 2), (85, 2), (86, 1), (87, 1), (88, 0), (92, 0), (93, 0), (97, 0), (100, 0)]
SPO2_SCALE2_OXYGEN = [(83, 3), (84, 2), (85, 2), (86, 1), (87, 1), (88, 0), (92, 0), (93, 1), (94, 1), (95, 2),
                      (96, 2), (97, 3), (100, 3)]


@pytest.mark.parametrize("value,points", RR)
def test_respiration_rate_band_edges(value, points):
    assert news2.score_rr(value) == points


@pytest.mark.parametrize("value,points", SPO2_SCALE1)
def test_spo2_scale_1_band_edges(value, points):
    assert news2.score_spo2_scale1(value) == points


@pytest.mark.parametrize("value,points", SPO2_SCALE2_AIR)
def test_spo2_scale_2_on_air(value, points):
    assert news2.score_spo2_scale2(value, on_oxygen=False) == points


@pytest.mark.parametrize("value,points", SPO2_SCALE2_OXYGEN)
def test_spo2_scale_2_on_oxygen(value, points):
    assert news2.score_spo2_scale2(value, on_oxygen=True) == points


def test_air_scores_0_and_oxygen_scores_2():
    assert news2.score_air_or_oxygen(False) == 0
    assert news2.score_air_or_oxygen(True) == 2


@pytest.mark.parametrize("value,points", SBP)
def test_systolic_bp_band_edges(value, points):
    assert news2.score_sbp(value) == points


@pytest.mark.parametrize("value,points", PULSE)
def test_pulse_band_edges(value, points):
    assert news2.score_pulse(value) == points


@pytest.mark.parametrize("level,points", [("A", 0), ("C", 3), ("V", 3), ("P", 3), ("U", 3)])
def test_consciousness_alert_scores_0_and_new_confusion_voice_pain_unresponsive_score_3(level, points):
    assert news2.score_consciousness(level) == points


@pytest.mark.parametrize("value,points", TEMP)
def test_temperature_band_edges(value, points):
    assert news2.score_temp(Decimal(value)) == points


def _obs(**changes):
    normal = dict(rr=16, spo2=97, on_oxygen=False, sbp=120, pulse=70, consciousness="A", temp=Decimal("37.0"))
    return news2.Observations(**{**normal, **changes})


def test_all_normal_is_0_and_low():
    result = news2.score(_obs())
    assert (result.total, result.risk) == (0, news2.LOW)


def test_a_total_of_4_without_a_single_3_is_low():
    result = news2.score(_obs(rr=22, pulse=95, temp=Decimal("38.5")))  # 2 + 1 + 1
    assert (result.total, result.risk) == (4, news2.LOW)


def test_a_single_parameter_scoring_3_is_low_medium():
    result = news2.score(_obs(consciousness="C"))
    assert (result.total, result.risk) == (3, news2.LOW_MEDIUM)


def test_5_is_medium_and_6_is_medium():
    assert news2.score(_obs(rr=22, sbp=95, pulse=95)).risk == news2.MEDIUM  # 2 + 2 + 1
    result = news2.score(_obs(rr=22, sbp=95, pulse=115))  # 2 + 2 + 2
    assert (result.total, result.risk) == (6, news2.MEDIUM)


def test_7_or_more_is_high():
    result = news2.score(_obs(rr=25, spo2=91, on_oxygen=True))  # 3 + 3 + 2
    assert (result.total, result.risk) == (8, news2.HIGH)


def test_the_worst_possible_observations_total_20():
    result = news2.score(_obs(rr=30, spo2=80, on_oxygen=True, sbp=80, pulse=140, consciousness="U",
                              temp=Decimal("34.0")))
    assert result.total == 20 and result.risk == news2.HIGH  # temp ≤35.0 scores 3, the highest band of chart 1


def test_scale_2_uses_the_oxygen_aware_bands():
    assert news2.score(_obs(spo2=97, spo2_scale=2)).parameters["spo2"] == 0
    assert news2.score(_obs(spo2=97, spo2_scale=2, on_oxygen=True)).parameters["spo2"] == 3

"""The invoice arithmetic (issue 14, item 2), edge by edge: half-up at exactly half a cent, discount
before tax, fractional quantities, and sums that binary floating point gets wrong."""

from decimal import Decimal as D  # noqa: N817 — the tests read as arithmetic

import pytest

from apps.billing.arithmetic import LineAmounts, invoice_totals, line_amounts, money


def test_an_exact_half_cent_rounds_up_not_to_even():
    assert money(D("0.125")) == D("0.13")  # banker's rounding would give 0.12
    assert money(D("0.135")) == D("0.14")
    assert money(D("2.345")) == D("2.35")
    assert money(D("0.124999")) == D("0.12")


def test_a_negative_half_cent_rounds_away_from_zero_so_a_credit_mirrors_its_line():
    assert money(D("-0.125")) == D("-0.13")
    line = line_amounts(quantity=D("1"), unit_price=D("10.05"), discount_rate=D("0.05"), tax_rate=D("0.10"))
    credit = line_amounts(quantity=D("-1"), unit_price=D("10.05"), discount_rate=D("0.05"), tax_rate=D("0.10"))
    assert (credit.gross, credit.discount, credit.net, credit.tax, credit.total) == (
        -line.gross, -line.discount, -line.net, -line.tax, -line.total)


def test_a_half_cent_tax_is_rounded_half_up():
    # net 10.50 × 5 % = 0.525 → 0.53 (ROUND_HALF_EVEN: 0.52)
    line = line_amounts(quantity=D("1"), unit_price=D("10.50"), tax_rate=D("0.05"))
    assert (line.net, line.tax, line.total) == (D("10.50"), D("0.53"), D("11.03"))


def test_a_half_cent_discount_is_rounded_half_up():
    # gross 0.25 × 10 % = 0.025 → 0.03
    line = line_amounts(quantity=D("1"), unit_price=D("0.25"), discount_rate=D("0.10"))
    assert (line.discount, line.net) == (D("0.03"), D("0.22"))


def test_discount_comes_before_tax():
    # gross 100, discount 10 % = 10, net 90, tax 20 % of the NET = 18 (not of the gross: 20), total 108
    line = line_amounts(quantity=D("1"), unit_price=D("100.00"), discount_rate=D("0.10"), tax_rate=D("0.20"))
    assert line == LineAmounts(gross=D("100.00"), discount=D("10.00"), net=D("90.00"), tax=D("18.00"),
                               total=D("108.00"))


def test_fractional_quantities():
    # 1.5 hours × 33.33 = 49.995: the gross rounds half-up to 50.00
    line = line_amounts(quantity=D("1.5"), unit_price=D("33.33"))
    assert line.gross == D("50.00")
    # 0.333 kg × 12.00 = 3.996 → 4.00; 10 % discount 0.40; tax 8 % of 3.60 = 0.288 → 0.29
    line = line_amounts(quantity=D("0.333"), unit_price=D("12.00"), discount_rate=D("0.1"), tax_rate=D("0.08"))
    assert (line.gross, line.discount, line.net, line.tax, line.total) == (
        D("4.00"), D("0.40"), D("3.60"), D("0.29"), D("3.89"))
    # 2.25 × 19.99 = 44.9775 → 44.98
    assert line_amounts(quantity=D("2.25"), unit_price=D("19.99")).gross == D("44.98")


def test_sums_that_go_wrong_in_binary_floating_point_are_exact():
    assert 0.1 + 0.2 != 0.3  # the trap
    lines = [line_amounts(quantity=D("1"), unit_price=D("0.10")), line_amounts(quantity=D("1"), unit_price=D("0.20"))]
    assert invoice_totals(lines).total == D("0.30")
    # ten lines of 0.10: float sum is 0.9999999999999999
    assert sum([0.1] * 10) != 1.0
    assert invoice_totals([line_amounts(quantity=D("1"), unit_price=D("0.10"))] * 10).total == D("1.00")
    # 1.15 × 3 in float is 3.4499999999999997; Decimal gives exactly 3.45
    assert 1.15 * 3 != 3.45
    assert line_amounts(quantity=D("3"), unit_price=D("1.15")).gross == D("3.45")
    # 1.005 in float is 1.00499999999999989…: round(1.005, 2) == 1.0; half-up on Decimal gives 1.01
    assert round(1.005, 2) == 1.0
    assert money(D("1.005")) == D("1.01")


def test_invoice_totals_are_sums_of_the_rounded_lines_never_rerounded():
    # Three lines each with tax 0.333… → 0.33: the invoice's tax is 0.99, not round(3 × 0.3333) = 1.00
    lines = [line_amounts(quantity=D("1"), unit_price=D("3.33"), tax_rate=D("0.1"))] * 3
    totals = invoice_totals(lines)
    assert (totals.subtotal, totals.discount_total, totals.tax_total, totals.total) == (
        D("9.99"), D("0.00"), D("0.99"), D("10.98"))


def test_the_invoice_is_the_sum_of_its_lines():
    lines = [line_amounts(quantity=D("2"), unit_price=D("39.90"), discount_rate=D("0.1"), tax_rate=D("0.08")),
             line_amounts(quantity=D("1"), unit_price=D("85.00"))]
    totals = invoice_totals(lines)
    assert totals.subtotal == D("164.80") and totals.discount_total == D("7.98")
    assert totals.tax_total == D("5.75")  # 71.82 × 0.08 = 5.7456 → 5.75
    assert totals.total == totals.subtotal - totals.discount_total + totals.tax_total == D("162.57")


@pytest.mark.parametrize("bad", [0.1, 1.0, float("nan")])
def test_floats_are_refused(bad):
    with pytest.raises(TypeError):
        line_amounts(quantity=D("1"), unit_price=bad)
    with pytest.raises(TypeError):
        money(bad)


def test_strings_and_ints_are_read_as_decimals():
    assert line_amounts(quantity=2, unit_price="0.10").total == D("0.20")

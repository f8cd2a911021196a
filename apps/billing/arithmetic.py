"""The invoice arithmetic, fixed and documented (issue 14, item 2). Pure functions on ``Decimal``.

Per line:
    gross    = quantity × unit price                      rounded half-up to 0.01 (*)
    discount = gross × discount rate                      rounded half-up to 0.01
    net      = gross − discount
    tax      = net × tax rate                             rounded half-up to 0.01
    total    = net + tax
Per invoice: subtotal = Σ gross, discount total = Σ discount, tax total = Σ tax, total = Σ line total
(sums of already-rounded line amounts: never re-rounded, never computed on the invoice as a whole).

(*) The issue is silent on rounding the gross; a fractional quantity (1.5 h × 33.33) can make it
finer than a cent, and every stored amount is ``Decimal(12, 2)``, so it is rounded like the others.

"Half-up" is ``decimal.ROUND_HALF_UP`` — an exact half cent goes away from zero (0.125 → 0.13,
−0.125 → −0.13), never banker's rounding (``ROUND_HALF_EVEN`` would give 0.12). A credit note's line
(negative quantity) is therefore the exact negation of the line it credits.

Floats are refused (``TypeError``): ``0.1 + 0.2`` is not ``0.3`` in binary floating point.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def to_decimal(value) -> Decimal:
    """A Decimal from a Decimal, int or decimal string; a float is refused."""
    if isinstance(value, bool) or isinstance(value, float):
        raise TypeError("Money is Decimal, never float: pass a Decimal or a string")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, (int, str)):
        return Decimal(value)
    raise TypeError(f"Not a decimal amount: {value!r}")


def money(value) -> Decimal:
    """Rounded half-up to the cent."""
    return to_decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LineAmounts:
    gross: Decimal
    discount: Decimal
    net: Decimal
    tax: Decimal
    total: Decimal


@dataclass(frozen=True)
class Totals:
    subtotal: Decimal
    discount_total: Decimal
    tax_total: Decimal
    total: Decimal


def line_amounts(*, quantity, unit_price, discount_rate=ZERO, tax_rate=ZERO) -> LineAmounts:
    """One line by the rule above. Rates are fractions (0.2 = 20 %)."""
    quantity, unit_price = to_decimal(quantity), to_decimal(unit_price)
    discount_rate, tax_rate = to_decimal(discount_rate), to_decimal(tax_rate)
    gross = money(quantity * unit_price)
    discount = money(gross * discount_rate)
    net = gross - discount
    tax = money(net * tax_rate)
    return LineAmounts(gross=gross, discount=discount, net=net, tax=tax, total=net + tax)


def invoice_totals(lines) -> Totals:
    """The sums of the lines' (already rounded) amounts; ``lines`` are LineAmounts or objects with
    ``gross``, ``discount``, ``tax`` and ``total``."""
    subtotal = discount_total = tax_total = total = ZERO
    for line in lines:
        subtotal += to_decimal(line.gross)
        discount_total += to_decimal(line.discount)
        tax_total += to_decimal(line.tax)
        total += to_decimal(line.total)
    return Totals(subtotal=subtotal, discount_total=discount_total, tax_total=tax_total, total=total)

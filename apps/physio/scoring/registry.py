"""The instrument registry: one module per instrument (odi, ndi, psfs, nprs, quickdash, koos, lefs,
phq9, gad7); ``get(code)``, ``score(code, answers)``, ``choices()``."""

from apps.physio.scoring.base import Instrument, ScoreResult
from apps.physio.scoring.gad7 import GAD7
from apps.physio.scoring.koos import KOOS
from apps.physio.scoring.lefs import LEFS
from apps.physio.scoring.ndi import NDI
from apps.physio.scoring.nprs import NPRS
from apps.physio.scoring.odi import ODI
from apps.physio.scoring.phq9 import PHQ9
from apps.physio.scoring.psfs import PSFS
from apps.physio.scoring.quickdash import QUICKDASH

ALL = (ODI, NDI, PSFS, NPRS, QUICKDASH, KOOS, LEFS, PHQ9, GAD7)
INSTRUMENTS: dict[str, Instrument] = {instrument.code: instrument for instrument in ALL}


class UnknownInstrument(KeyError):
    pass


def get(code: str) -> Instrument:
    try:
        return INSTRUMENTS[code]
    except KeyError:
        raise UnknownInstrument(code) from None


def score(code: str, answers: dict) -> ScoreResult:
    return get(code).score(answers)


def choices() -> list[tuple[str, str]]:
    return [(instrument.code, instrument.name) for instrument in ALL]

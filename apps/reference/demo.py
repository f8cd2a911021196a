"""The demo uses the real reference library (fixtures/reference): load it before the programs."""

from django.core.management import call_command


def seed(world, log=print) -> None:
    call_command("load_reference", stdout=_Writer(log))


class _Writer:
    def __init__(self, log):
        self.log = log

    def write(self, text):
        text = text.rstrip("\n")
        if text:
            self.log(text)

    def flush(self):
        pass

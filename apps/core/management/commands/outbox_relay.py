"""``manage.py outbox_relay``: publish the outbox messages the broker missed (after an outage),
the same work beat's "Relay the task outbox" does every 30 seconds."""

from django.core.management.base import BaseCommand, CommandError

from apps.core.outbox import RELAY_BATCH, RELAY_MIN_AGE_SECONDS, outbox_relay


class Command(BaseCommand):
    help = "Publish unpublished task outbox messages to the broker (needs REDIS_URL)."

    def add_arguments(self, parser):
        parser.add_argument("--min-age", type=float, default=RELAY_MIN_AGE_SECONDS,
                            help="only messages at least this many seconds old (default %(default)s)")
        parser.add_argument("--batch", type=int, default=RELAY_BATCH, help="at most this many (default %(default)s)")

    def handle(self, *args, min_age, batch, **options):
        try:
            published = outbox_relay(batch_size=batch, min_age_seconds=min_age)
        except RuntimeError as exc:
            raise CommandError(str(exc))
        self.stdout.write(f"published {published}")

"""Schedule the outbox relay (every 30 seconds) and purge (daily) with django-celery-beat.
Ordinary rows: superusers change or disable them in the admin (Periodic tasks)."""

from django.db import migrations

RELAY = "Relay the task outbox"
PURGE = "Purge the task outbox"


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_30_seconds, _ = IntervalSchedule.objects.get_or_create(every=30, period="seconds")
    PeriodicTask.objects.get_or_create(name=RELAY, defaults={
        "task": "apps.core.tasks.relay_outbox", "interval": every_30_seconds})
    nightly, _ = CrontabSchedule.objects.get_or_create(
        minute="40", hour="3", day_of_week="*", day_of_month="*", month_of_year="*", timezone="America/New_York")
    PeriodicTask.objects.get_or_create(name=PURGE, defaults={"task": "apps.core.tasks.purge_outbox", "crontab": nightly})


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=[RELAY, PURGE]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]

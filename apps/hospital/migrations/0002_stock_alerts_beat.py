"""Schedule the daily stock alerts (low stock, lots expiring within 30 days) with django-celery-beat.
An ordinary row: superusers change or disable it in the admin (Periodic tasks)."""

from django.db import migrations

TASKS = [
    # (name, task, minute, hour)
    ("Hospital stock alerts (low stock, expiring lots)", "apps.hospital.tasks.stock_alerts_all", "30", "6"),
    ("Hospital MAR: schedule the next days' doses", "apps.hospital.tasks.mar_extend_all", "5", "0"),
]


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, minute, hour in TASKS:
        schedule, _ = CrontabSchedule.objects.get_or_create(
            minute=minute, hour=hour, day_of_week="*", day_of_month="*", month_of_year="*",
            timezone="America/New_York")
        PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "crontab": schedule})


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[name for name, *_ in TASKS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("hospital", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]

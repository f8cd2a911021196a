"""Schedule the periodic assessment tasks with django-celery-beat. They are ordinary rows:
superusers change or disable them in the admin (Periodic tasks), no deploy needed. The task names
are the ones these tasks have always had (apps.assessments.tasks gives them explicit names)."""

from django.db import migrations

TASKS = [
    # (name, task, minutes past the hour, hours)
    ("Send assessment request reminders", "apps.notifications.tasks.send_assessment_reminders", "0", "8,13"),
    ("Expire assessment requests", "apps.notifications.tasks.expire_assessment_requests", "15", "*"),
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
        ("assessments", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]

"""Schedule the appointment reminders (every 5 minutes) with django-celery-beat. An ordinary row:
superusers change or disable it in the admin (Periodic tasks)."""

from django.db import migrations

REMINDERS = "Send appointment reminders"


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_5_minutes, _ = IntervalSchedule.objects.get_or_create(every=5, period="minutes")
    PeriodicTask.objects.get_or_create(name=REMINDERS, defaults={
        "task": "apps.scheduling.tasks.send_appointment_reminders", "interval": every_5_minutes})


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=REMINDERS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("scheduling", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]

from tests.factories import NotificationFactory, UserFactory


def build(world):
    user = UserFactory(company=world["company"], first_name="Nora", last_name="Northwindinbox")
    world["notification"] = NotificationFactory(user=user, title="Northwind secret notification")
    world["markers"] += ["Northwind secret notification", "Northwindinbox"]


SAMPLES = {
    "notifications:mark_read": lambda w: {"notification_id": w["notification"].pk},
    "notification-read": lambda w: {"pk": w["notification"].pk},
}

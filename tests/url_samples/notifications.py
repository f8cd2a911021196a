from tests.factories import NotificationFactory, UserFactory


def build(world):
    user = UserFactory(company=world["company"], first_name="Nora", last_name="Northwindinbox")
    world["notification"] = NotificationFactory(user=user, title="Northwind secret notification")
    world["markers"] += ["Northwind secret notification", "Northwindinbox"]


SAMPLES = {
    "notifications:mark_read": lambda w: {"notification_id": w["notification"].pk},
    "notification-read": lambda w: {"pk": w["notification"].pk},
}


QUERIES = {
    "notifications:inbox": lambda w: {"user": w["notification"].user_id},
    "notification-list": lambda w: {"user": w["notification"].user_id},  # ignored: own inbox (200)
}
BODIES = {
    # Both act on Charlie's own notifications only; Northwind ids in the body are ignored (302).
    "notifications:mark_all_read": lambda w: {"notification": w["notification"].pk, "user": w["notification"].user_id},
    "notifications:preferences": lambda w: {"user": w["notification"].user_id, "assessment.submitted:email": "on"},
    "notifications:mark_read": lambda w: {"follow": "1"},  # a Northwind notification in the path: 404
}
NO_BODY = {
    "notifications:inbox": "read-only list",
    "notification-list": "read-only API",
    "notification-read": "the notification is the path argument; no input",
}

import factory

from apps.notifications.models import Channel, Notification
from tests.factories.tenants import UserFactory

__all__ = ["NotificationFactory"]


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    user = factory.SubFactory(UserFactory)
    company = factory.SelfAttribute("user.company")
    kind = "assessment_received"
    channel = Channel.IN_APP
    title = factory.Sequence(lambda n: f"Notification {n}")
    message = "Hello"
    idempotency_key = factory.Sequence(lambda n: f"test:{n}")

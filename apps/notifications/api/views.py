from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.core.api import TenantScopedMixin
from apps.notifications import selectors, services
from apps.notifications.api.serializers import NotificationSerializer
from apps.notifications.models import Notification


class NotificationViewSet(TenantScopedMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The signed-in person's in-app notifications."""

    serializer_class = NotificationSerializer
    queryset = Notification.objects.none()

    def get_queryset(self):
        self.company  # 404 for people without a tenant
        return selectors.inbox(user=self.request.user).order_by("-created_at")

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = self.get_object()
        services.notification_mark_read(user=request.user, notification=notification)
        return Response(NotificationSerializer(notification).data)

"""The notification kind registry. Each context registers the kinds it sends (in its nav module,
imported by its AppConfig.ready), so a new context adds notifications without editing this app
and without a migration here: ``Notification.kind`` stores the key as plain text.

    register_kind("assessment_received", "Assessment received",
                  default_channels=(Channel.IN_APP, Channel.EMAIL),
                  template="assessments/notifications/assessment_received.txt")

``template`` renders one notification from the context given to ``notification_send``: the
first line is the title, the rest the message (write it inside ``{% autoescape off %}``: it is
plain text for the inbox and e-mail, not HTML).
"""

from dataclasses import dataclass

from apps.notifications.models import Channel


@dataclass(frozen=True)
class NotificationKind:
    key: str
    label: str
    default_channels: tuple[str, ...]
    template: str


_KINDS: dict[str, NotificationKind] = {}


def register_kind(key: str, label: str, default_channels=(Channel.IN_APP,), template: str = "") -> NotificationKind:
    unknown = set(default_channels) - set(Channel.values)
    if unknown:
        raise ValueError(f"Unknown notification channels for {key}: {sorted(unknown)}")
    kind = NotificationKind(key=key, label=label, default_channels=tuple(default_channels), template=template)
    existing = _KINDS.get(key)
    if existing is not None and existing != kind:
        raise ValueError(f"Notification kind {key!r} is already registered differently")
    _KINDS[key] = kind
    return kind


def get_kind(key: str) -> NotificationKind:
    try:
        return _KINDS[key]
    except KeyError:
        raise LookupError(f"Unknown notification kind {key!r}: register it with register_kind()") from None


def registered_kinds() -> list[NotificationKind]:
    """Every kind, in registration order (the order of INSTALLED_APPS)."""
    return list(_KINDS.values())

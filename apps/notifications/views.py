from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from apps.notifications import selectors, services
from apps.notifications.models import Channel, Kind, Notification
from apps.tenants.access import company_of


def _get_notification_for_user(request, notification_id) -> Notification:
    company_of(request.user)
    try:
        return selectors.inbox(user=request.user).get(pk=notification_id)
    except (Notification.DoesNotExist, ValueError):
        raise Http404("No notification here")


@login_required
def inbox(request):
    company_of(request.user)
    return render(request, "notifications/inbox.html", {"notifications": selectors.inbox(user=request.user)[:100]})


@login_required
@require_POST
def mark_read(request, notification_id):
    notification = _get_notification_for_user(request, notification_id)
    services.notification_mark_read(user=request.user, notification=notification)
    if notification.action_url and request.POST.get("follow"):
        return redirect(notification.action_url)
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_all_read(request):
    company_of(request.user)
    services.notification_mark_all_read(user=request.user)
    return redirect("notifications:inbox")


@login_required
def preferences(request):
    company_of(request.user)
    if request.method == "POST":
        for kind in Kind.values:
            for channel in Channel.values:
                services.preference_set(user=request.user, kind=kind, channel=channel,
                                        enabled=f"{kind}:{channel}" in request.POST)
        messages.success(request, "Preferences saved.")
        return redirect("notifications:preferences")
    current = selectors.preferences_of(user=request.user)
    rows = [{"kind": kind, "label": label,
             "channels": [{"name": f"{kind}:{channel}", "label": channel_label,
                           "enabled": current.get((kind, channel), True)} for channel, channel_label in Channel.choices]}
            for kind, label in Kind.choices]
    return render(request, "notifications/preferences.html", {"rows": rows, "channels": Channel.choices})

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from apps.core.access import company_of
from apps.notifications import access, selectors, services
from apps.notifications.kinds import registered_kinds
from apps.notifications.models import Channel


@login_required
def inbox(request):
    company_of(request.user)
    return render(request, "notifications/inbox.html", {"notifications": selectors.inbox(user=request.user)[:100]})


@login_required
@require_POST
def mark_read(request, notification_id):
    notification = access.get_notification_for_user(request.user, notification_id)
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
        for kind in registered_kinds():
            for channel in Channel.values:
                services.preference_set(user=request.user, kind=kind.key, channel=channel,
                                        enabled=f"{kind.key}:{channel}" in request.POST)
        messages.success(request, "Preferences saved.")
        return redirect("notifications:preferences")
    current = selectors.preferences_of(user=request.user)
    rows = [{"kind": kind.key, "label": kind.label,
             "channels": [{"name": f"{kind.key}:{channel}", "label": channel_label,
                           "enabled": current.get((kind.key, channel), True)}
                          for channel, channel_label in Channel.choices]}
            for kind in registered_kinds()]
    return render(request, "notifications/preferences.html", {"rows": rows, "channels": Channel.choices})

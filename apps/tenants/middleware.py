import time

TOUCH_EVERY_SECONDS = 60


class SessionIdleTimeoutMiddleware:
    """Keeps a signed-in session alive while it is used: SESSION_COOKIE_AGE (30 minutes) after the
    last request. Instead of saving the session on every request (SESSION_SAVE_EVERY_REQUEST: an
    UPDATE and a transaction per page), it touches the session at most once a minute, so the
    idle timeout holds to within a minute at a fraction of the writes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and request.user.is_authenticated:
            now = int(time.time())
            if now - session.get("_touched", 0) >= TOUCH_EVERY_SECONDS:
                session["_touched"] = now  # marks the session modified: saved, and its expiry pushed back
        return self.get_response(request)

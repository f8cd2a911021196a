"""Navigation and notification kinds of clinical hours (imported by HoursConfig.ready)."""

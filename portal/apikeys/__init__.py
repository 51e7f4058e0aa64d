"""API keys for systems (Wagtail's ``APIToken`` with an expiry and rotation) and DRF's
authentication by them. The lowest layer of the portal: every app's API may use it, and it
imports none of them. Its app label stays ``targeting_api`` (where it began), so its table,
migration history and permissions are unchanged."""

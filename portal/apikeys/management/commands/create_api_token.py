"""``manage.py create_api_token USER [--name N] [--days D] [--rotate [--grace-hours H]]``.

Issues a new API key for a system's user and prints it once: only a hash is stored, so the key
cannot be shown again. ``--rotate`` ends the user's other keys, at once or after a grace period.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.apikeys import tokens


class Command(BaseCommand):
    help = (
        "Issue a new API key for USER (username) and print it; it is shown only this once. "
        "The key carries the user's permissions: give systems their own user with only what "
        "they need."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("user", help="Username of the account the key acts as.")
        parser.add_argument("--name", default="", help="What the key is for (default: USER).")
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Days until the key ends (default: API_TOKEN_LIFETIME_DAYS).",
        )
        parser.add_argument(
            "--rotate",
            action="store_true",
            help="End the user's other keys (at once, or after --grace-hours).",
        )
        parser.add_argument(
            "--grace-hours",
            type=int,
            default=0,
            help="With --rotate: hours the old keys keep working, to switch over without a gap.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        model = get_user_model()
        username = options["user"]
        days, grace_hours = options["days"], options["grace_hours"]
        if days is not None and not 1 <= days <= 3660:
            raise CommandError("--days must be between 1 and 3660.")
        if not 0 <= grace_hours <= 24 * 90:
            raise CommandError("--grace-hours must be between 0 and 2160.")
        if grace_hours and not options["rotate"]:
            raise CommandError("--grace-hours only makes sense with --rotate.")
        try:
            user = model._default_manager.get_by_natural_key(username)
        except model.DoesNotExist:
            raise CommandError(f"No user {username!r}; create the account first.") from None
        if not user.is_active:
            raise CommandError(f"User {username!r} is inactive; its key would not work.")
        name = options["name"] or username
        if options["rotate"]:
            grace = timedelta(hours=grace_hours)
            issued, ended = tokens.rotate(user, name=name, grace=grace, days=days)
            when = f"in {grace_hours} h" if grace_hours else "now"
            self.stderr.write(f"New key for {username}; {ended} old key(s) stop working {when}.")
        else:
            issued = tokens.issue(user, name=name, days=days)
            self.stderr.write(f"Key created for {username}.")
        self.stderr.write(
            f"It ends {issued.expires_at:%Y-%m-%d %H:%M %Z}. It is shown only now; store it."
        )
        # Only the key on stdout, so scripts can capture it: TOKEN=$(manage.py create_api_token x)
        self.stdout.write(issued.key)

"""``manage.py create_api_token USER [--rotate]``: print a user's API token (for systems)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from rest_framework.authtoken.models import Token


class Command(BaseCommand):
    help = (
        "Print the API token of USER (username), creating it if missing. The token carries "
        "the user's permissions: give systems their own user with only what they need."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("user", help="Username of the account the token acts as.")
        parser.add_argument(
            "--rotate",
            action="store_true",
            help="Replace the existing token (the old one stops working at once).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        model = get_user_model()
        username = options["user"]
        try:
            user = model._default_manager.get_by_natural_key(username)
        except model.DoesNotExist:
            raise CommandError(f"No user {username!r}; create the account first.") from None
        if not user.is_active:
            raise CommandError(f"User {username!r} is inactive; its token would not work.")
        with transaction.atomic():
            if options["rotate"]:
                Token.objects.filter(user=user).delete()
            token, created = Token.objects.get_or_create(user=user)
        if options["rotate"]:
            self.stderr.write(f"New token for {username} (the old one no longer works):")
        elif created:
            self.stderr.write(f"Token created for {username}:")
        # Only the token on stdout, so scripts can capture it: TOKEN=$(manage.py create_api_token x)
        self.stdout.write(token.key)

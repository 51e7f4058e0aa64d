"""Create the local superuser `admin` for `make run`, with a generated password it prints.

The password is random per checkout and kept in var/ (git-ignored) so each run can print it
again. It refuses to run outside DEBUG: production superusers are made with createsuperuser.
"""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

USERNAME = "admin"


class Command(BaseCommand):
    help = "Create the local development superuser `admin` and print its password."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("ensure_local_admin is for local development only (DEBUG is off).")
        path = settings.BASE_DIR / "var" / "admin-password"
        path.parent.mkdir(exist_ok=True)
        User = get_user_model()
        user = User.objects.filter(username=USERNAME).first()
        if user is None:
            password = secrets.token_urlsafe(12)
            User.objects.create_superuser(USERNAME, "admin@example.com", password)
            path.write_text(password)
            path.chmod(0o600)
        elif path.exists() and user.check_password(path.read_text().strip()):
            password = path.read_text().strip()
        else:
            self.stdout.write(
                f"Superuser '{USERNAME}' exists with a password set by hand; "
                "use `manage.py changepassword admin` if you lost it."
            )
            return
        base = settings.WAGTAILADMIN_BASE_URL
        self.stdout.write(
            self.style.SUCCESS(f"Admin: {base}/admin/  user: {USERNAME}  password: {password}")
        )

"""Move the keys of rest_framework.authtoken (stored in clear) to Wagtail's hashed API tokens.

Each old key becomes an ``APIToken`` whose digest is that of the same key, so systems keep
working with the key they have; the clear rows are then deleted. The old app is no longer
installed, so its table is read with SQL when it exists. Migrated keys end after the default
lifetime counted from today (``API_TOKEN_LIFETIME_DAYS``), giving operators time to rotate them.
"""

from datetime import timedelta

from django.conf import settings
from django.db import migrations
from django.utils import timezone
from django.utils.crypto import salted_hmac

OLD_TABLE = "authtoken_token"
#: Wagtail's (wagtail.models.api.KEY_SALT and DISPLAY_PREFIX_LENGTH), fixed here: a migration
#: must keep meaning what it meant when written.
KEY_SALT = "wagtail.apitoken"
PREFIX_LENGTH = 12


def hash_old_keys(apps, schema_editor):
    connection = schema_editor.connection
    if OLD_TABLE not in connection.introspection.table_names():
        return
    APIToken = apps.get_model("wagtailcore", "APIToken")
    TokenExpiry = apps.get_model("targeting_api", "TokenExpiry")
    quoted = schema_editor.quote_name(OLD_TABLE)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key, user_id FROM {quoted}")  # noqa: S608 - a fixed name  # nosec B608
        rows = cursor.fetchall()
    now = timezone.now()
    ends = now + timedelta(days=getattr(settings, "API_TOKEN_LIFETIME_DAYS", 90))
    for key, user_id in rows:
        digest = salted_hmac(KEY_SALT, key, algorithm="sha256").hexdigest()
        token, _created = APIToken.objects.get_or_create(
            key_hash=digest,
            defaults={
                "user_id": user_id,
                "name": "Key from before hashing (rotate it)",
                "prefix": key[:PREFIX_LENGTH],
            },
        )
        TokenExpiry.objects.get_or_create(token=token, defaults={"expires_at": ends})
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {quoted}")  # noqa: S608 - a fixed name  # nosec B608


class Migration(migrations.Migration):
    dependencies = [
        ("targeting_api", "0001_token_expiry"),
        ("wagtailcore", "0098_apitoken"),
    ]

    # Irreversible on purpose: the clear keys are gone.
    operations = [migrations.RunPython(hash_old_keys, migrations.RunPython.noop)]

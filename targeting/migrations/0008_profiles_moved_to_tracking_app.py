"""``VisitorProfile`` and ``CustomerProfile`` now belong to the tracking app (issue 9): removed
from targeting's state only. The tables ``targeting_visitorprofile`` and
``targeting_customerprofile`` and their rows stay; tracking's 0003 took them over."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("targeting", "0007_tracking_models_moved_to_tracking_app"),
        ("tracking", "0003_profiles_from_targeting"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="VisitorProfile"),
                migrations.DeleteModel(name="CustomerProfile"),
            ],
        ),
    ]

"""Tracking's models now belong to the tracking app (issue 9): removed from targeting's state
only. The tables ``targeting_rawevent``, ``targeting_customervisitor`` and
``targeting_interaction`` and their rows stay; tracking's 0001 took them over."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("targeting", "0006_placement_decide_for_customer_permission"),
        ("tracking", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="RawEvent"),
                migrations.DeleteModel(name="CustomerVisitor"),
                migrations.DeleteModel(name="Interaction"),
            ],
        ),
    ]

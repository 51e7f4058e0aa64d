"""The raw event log partitioned by month on PostgreSQL (issue 10 item 2); SQLite unchanged.

The key table is created everywhere (an ordinary model, so test databases flush it); the
conversion of the log itself runs on PostgreSQL only and keeps every row and id.
"""

from django.db import migrations, models

from targeting.tracking import partitions


def forwards(apps, schema_editor):
    partitions.partition_log(schema_editor.connection)


def backwards(apps, schema_editor):
    partitions.unpartition_log(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("tracking", "0005_personal_data_requests"),
    ]

    operations = [
        migrations.CreateModel(
            name="RawEventKey",
            fields=[
                ("key", models.UUIDField(primary_key=True, serialize=False)),
                ("at", models.DateTimeField(db_index=True)),
            ],
            options={
                "db_table": "targeting_raweventkey",
                "default_permissions": (),
            },
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]

"""Campaigns show the creative content compliance approved (issue 8), pinned at approval.

The data step pins what every live campaign shows today, so nothing on the site changes: each
row of a live campaign whose creative is published gets that creative's current content. Campaign
revisions approved to go live later get the same, so their scheduled publishing shows what the
reviewer saw. Reversing drops the field (the creatives' rows still hold their content).
"""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import migrations, models
from modelcluster.models import get_serializable_data_for_fields


def _copy(creative):
    return json.loads(json.dumps(get_serializable_data_for_fields(creative), cls=DjangoJSONEncoder))


def pin_what_shows_today(apps, schema_editor):
    CampaignCreative = apps.get_model("targeting", "CampaignCreative")
    Creative = apps.get_model("targeting", "Creative")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Revision = apps.get_model("wagtailcore", "Revision")

    rows = CampaignCreative.objects.filter(campaign__live=True, creative__live=True)
    for row in rows.select_related("creative").iterator():
        row.approved_content = _copy(row.creative)
        row.save(update_fields=["approved_content"])

    campaign_type = ContentType.objects.filter(app_label="targeting", model="campaign").first()
    if campaign_type is None:
        return
    scheduled = Revision.objects.filter(
        base_content_type=campaign_type, approved_go_live_at__isnull=False
    )
    for revision in scheduled.iterator():
        children = (revision.content or {}).get("campaign_creatives") or []
        live = {
            c.pk: c
            for c in Creative.objects.filter(
                pk__in=[child.get("creative") for child in children], live=True
            )
        }
        for child in children:
            creative = live.get(child.get("creative"))
            child["approved_content"] = _copy(creative) if creative is not None else None
        revision.save(update_fields=["content"])


class Migration(migrations.Migration):
    dependencies = [
        ("targeting", "0004_tracking_roles"),
        ("wagtailcore", "0098_apitoken"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="campaigncreative",
            name="approved_content",
            field=models.JSONField(
                blank=True,
                editable=False,
                help_text=(
                    "The creative as compliance approved it with this campaign (Wagtail revision "
                    "data); the site shows this, not the creative's later edits."
                ),
                null=True,
                verbose_name="approved content",
            ),
        ),
        migrations.RunPython(pin_what_shows_today, migrations.RunPython.noop),
    ]

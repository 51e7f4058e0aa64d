"""Privacy: portal posts in the customer's download and erased with them; retention."""

from datetime import timedelta

import pytest
from django.utils import timezone

from community.listening import intake, tasks
from community.listening.models import ListeningItem
from targeting.tracking import personal_data

pytestmark = pytest.mark.django_db


def test_portal_posts_are_in_the_download_and_erased(customer):
    intake.from_portal(
        source="portal_topic",
        external_id="post-1",
        text="想办信用卡，电话13800138000",
        author_id=customer.pk,
    )
    subject = personal_data.subject_for(customer)
    part = next(p for p in personal_data.parts() if p.name == "listening")
    exported = part.export(subject)
    assert exported and "13800138000" not in exported[0]["text"]
    part.erase(subject)
    assert not ListeningItem.objects.exists()


def test_posts_older_than_the_retention_are_purged(settings):
    settings.LISTENING_RETENTION_DAYS = 30
    old = (timezone.now() - timedelta(days=31)).isoformat()
    intake.store(
        [
            (1, {"source": "weibo", "id": "old", "text": "旧帖子", "published_at": old}),
            (2, {"source": "weibo", "id": "new", "text": "新帖子"}),
        ]
    )
    assert tasks.purge_old() == 1
    assert list(ListeningItem.objects.values_list("external_id", flat=True)) == ["new"]

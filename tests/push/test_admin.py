"""The admin side: approval before sending, a read-only send log, leads, permissions (items 6, 7)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from wagtail.models import WorkflowContentType

from targeting.push.models import RM_LEAD, Lead, PushMessage
from tests.push.conftest import make_offer
from tests.targeting.factories import UserFactory

pytestmark = pytest.mark.django_db


def staff(username: str, group: str):
    user = UserFactory(username=username)
    user.groups.add(Group.objects.get(name=group))
    return user


def test_offers_go_through_the_push_offer_approval_workflow():
    workflow = WorkflowContentType.objects.get(content_type__app_label="push").workflow
    assert workflow.name == "Push offer approval"
    marketer = staff("marketer", "Marketers")
    reviewer = staff("reviewer", "Compliance reviewers")
    assert marketer.has_perm("push.change_offer")
    assert not marketer.has_perm("push.publish_offer")
    assert reviewer.has_perm("push.publish_offer")
    assert marketer.has_perm("push.publish_trigger")


def test_a_marketer_cannot_publish_an_offer_from_the_editor(client):
    marketer = staff("marketer", "Marketers")
    offer = make_offer(live=False)
    client.force_login(marketer)
    page = client.get(f"/admin/snippets/push/offer/edit/{offer.pk}/").content.decode()
    assert 'name="action-submit"' in page  # submit for approval
    assert 'name="action-publish"' not in page


@pytest.mark.parametrize(
    "url",
    [
        "/admin/snippets/push/offer/",
        "/admin/snippets/push/trigger/",
        "/admin/snippets/push/pushmessage/",
        "/admin/snippets/push/lead/",
        "/admin/snippets/push/contactpreference/",
    ],
)
def test_every_push_admin_list_needs_its_permission(client, url):
    outsider = staff("moderator", "Moderators")
    client.force_login(outsider)
    assert client.get(url).status_code in (302, 403)
    client.force_login(staff("reviewer", "Compliance reviewers"))
    assert client.get(url).status_code == 200


def test_the_send_log_cannot_be_edited_or_deleted_even_by_a_superuser(client, customer):
    message = PushMessage.objects.create(
        idempotency_key="k",
        user=customer,
        channel="sms",
        status=PushMessage.SENT,
        arbitration={"offer": "x"},
        consent={"marketing_consent": True},
    )
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    assert client.get(f"/admin/snippets/push/pushmessage/inspect/{message.pk}/").status_code == 200
    for url in (
        f"/admin/snippets/push/pushmessage/edit/{message.pk}/",
        f"/admin/snippets/push/pushmessage/delete/{message.pk}/",
        "/admin/snippets/push/pushmessage/add/",
    ):
        response = client.post(url, {"status": "dead"})
        assert response.status_code in (302, 403)
    message.refresh_from_db()
    assert message.status == PushMessage.SENT


def test_a_relationship_manager_works_a_lead_and_the_decline_is_recorded(
    client, customer, django_capture_on_commit_callbacks
):
    from targeting.tracking.models import RawEvent

    offer = make_offer(slug="wealth-review", channels=[RM_LEAD])
    message = PushMessage.objects.create(
        idempotency_key="lead",
        user=customer,
        offer=offer,
        channel=RM_LEAD,
        status=PushMessage.DELIVERED,
    )
    lead = Lead.objects.create(message=message, customer=customer, offer=offer, branch="CD-TF01")
    manager = staff("rm", "Relationship managers")
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/snippets/push/lead/edit/{lead.pk}/",
            {
                "assigned_to": manager.pk,
                "branch": "CD-TF01",
                "status": Lead.LOST,
                "outcome": "客户暂无需求",
            },
        )
    assert response.status_code == 302
    lead.refresh_from_db()
    assert (lead.status, lead.assigned_to) == (Lead.LOST, manager)
    message.refresh_from_db()
    assert message.response == "decline"
    event = RawEvent.objects.get(type="offer_response")
    assert event.properties["outcome"] == "decline"
    # A relationship manager sees leads, not offers or the send log.
    assert client.get("/admin/snippets/push/offer/").status_code in (302, 403)


def test_the_admin_is_chinese_for_a_zh_hans_user(client):
    client.force_login(staff("reviewer", "Compliance reviewers"))
    page = client.get("/admin/snippets/push/pushmessage/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = page.content.decode()
    assert "推送消息" in text  # the model's name, translated
    assert "死信" in text  # the status filter's choices

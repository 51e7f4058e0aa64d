"""One personal-data registry: the download holds every app's part, erasure leaves nothing.

Given a customer with data in every app (tracking, targeting's CRM, products, community, the
account), the download holds all of it, and after erasure a scan of every text and JSON column of
every model finds none of their identifiers, except in the anonymised records docs/privacy.md
lists. The scan is generic: a model added later that keeps personal data without registering a
part makes it fail.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from datetime import timedelta
from typing import Any

import pytest
from axes.models import AccessAttempt, AccessLog
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client
from django.utils import timezone
from PIL import Image
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry
from wagtail.users.models import UserProfile

from community import complaints, moderation, posting
from community.models import (
    Complaint,
    ComplaintAttachment,
    Like,
    Member,
    Notification,
    Post,
    PostReport,
    Subscription,
    Topic,
    TopicReadState,
)
from products.models import ProductApplication
from products.risk import RiskAssessment
from targeting.models import CrmMembership
from targeting.push.models import ContactPreference, PushMessage
from targeting.tracking import personal_data
from targeting.tracking.customers import merge_visitor_into_customer
from targeting.tracking.documents import customer_profile_key
from targeting.tracking.models import (
    CustomerProfile,
    CustomerVisitor,
    Interaction,
    PersonalDataRequest,
    RawEvent,
    VisitorProfile,
)
from tests.community.factories import BoardFactory, ComplaintFactory, UserFactory
from tests.products.factories import ProductApplicationFactory
from tests.tracking.conftest import browser_client, event, post_batch

pytestmark = pytest.mark.django_db

PASSWORD = "Secret-pass-2025"
USERNAME = "xiaoling.q"
EMAIL = "xiaoling.q@example.cn"
FIRST, LAST = "Xiaoling", "Qiaomu"
APPLICANT = "Qiaomu Xiaoling"
PHONE = "13912345678"
DISPLAY = "晓玲理财日记"
NUMBER = "C77001"
BROWSERS = ("a1" * 16, "c3" * 16)
TOPIC_TITLE = "Qiaomu 的白金卡年费问题"
ATTACHMENT = b"%PDF-1.4\n% Qiaomu's statement\n"


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private-media")
    return tmp_path / "private-media"


@pytest.fixture
def everywhere(channel_system, _private_media) -> dict[str, Any]:
    """A customer with data in every app, entered through the apps' own code paths."""
    customer = UserFactory(username=USERNAME, email=EMAIL, first_name=FIRST, last_name=LAST)
    other = UserFactory(username="neighbour")
    moderator = UserFactory(username="banzhu", groups=["Moderators"])
    agent = UserFactory(username="kefu", groups=["Customer service"])

    # tracking: declared profile, two browsers signed in with, events from web and channels
    CustomerProfile.objects.create(user=customer, customer_number=NUMBER, occupation="教师")
    for vid in BROWSERS:
        post_batch(browser_client(vid), [event(properties={"path": "/cards/"})])
        merge_visitor_into_customer(vid, customer)
    signed_in = browser_client(BROWSERS[0])
    signed_in.force_login(customer)
    post_batch(signed_in, [event("search", properties={"query": "房贷"})])
    post_batch(
        Client(),
        [
            event(
                "branch_queue_swipe",
                customer=NUMBER,
                channel="branch",
                properties={"branch": "成都天府支行"},
            )
        ],
        HTTP_AUTHORIZATION=channel_system[1],
    )
    # targeting: the CRM's groups
    CrmMembership.objects.create(customer_ref=NUMBER, code="VIP_WEALTH")
    # products: an application made signed in, one from a browser before signing in
    ProductApplicationFactory(
        product=None,
        product_title="白金信用卡",
        user=customer,
        applicant_name=APPLICANT,
        mobile_phone=PHONE,
        visitor_id=BROWSERS[0],
    )
    ProductApplicationFactory(
        product=None,
        product_title="房贷",
        applicant_name=APPLICANT,
        mobile_phone=PHONE,
        visitor_id=BROWSERS[1],
    )
    # products: the risk questionnaire they answered
    RiskAssessment.objects.create(
        user=customer,
        questionnaire_version="2026-1",
        answers={"age": "b", "experience": "c"},
        score=42,
        tolerance=3,
        valid_until=timezone.now() + timedelta(days=365),
    )
    # push: their channels and consent, and an offer sent to them
    ContactPreference.objects.create(user=customer, phone=PHONE, marketing_consent=True)
    PushMessage.objects.create(
        idempotency_key=f"travel-card:user-{customer.pk}:{BROWSERS[0]}",
        user=customer,
        channel="sms",
        status="sent",
        text=f"{FIRST}您好，出境游信用卡限时优惠。",
        event_ref=f"v:{BROWSERS[0]}",
    )
    # community: name, topic, posts and an edit, likes, follows, reads, reports, notices
    Member.objects.create(user=customer, display_name=DISPLAY)
    board = BoardFactory()
    topic = posting.start_topic(
        board, customer, TOPIC_TITLE, f"写信给我 {EMAIL}", tags=["年费"]
    ).post.topic
    own = topic.posts.get()
    posting.edit_post(own, customer, f"{FIRST} 的问题：白金卡年费怎么免？")
    theirs = posting.reply(topic, other, f"@{USERNAME} 刷卡满6次即可。").post
    posting.publish_post(theirs)
    posting.toggle_like(theirs, customer)
    posting.toggle_subscription(topic, customer)
    posting.mark_read(topic, customer, [own, theirs])
    moderation.report_post(theirs, customer, f"{DISPLAY} 认为这是广告")
    moderation.warn(customer, moderator, f"{USERNAME} 请勿发广告")
    answer = posting.reply(topic, customer, f"谢谢！{DISPLAY}").post
    posting.publish_post(answer)  # notifies the subscribers and... the topic author's neighbours
    # complaints with attachments and a timeline
    complaint = complaints.file_complaint(
        customer,
        category="card",
        channel="mobile_app",
        description=f"我是{APPLICANT}，年费被错扣。邮箱 {EMAIL}",
        attachments=[
            SimpleUploadedFile("账单.png", _png(), content_type="image/png"),
            SimpleUploadedFile(f"{LAST}.pdf", ATTACHMENT, content_type="application/pdf"),
        ],
    )
    complaints.staff_update(
        complaint, agent, to_status="in_progress", message=f"{FIRST}您好，已受理。"
    )
    complaints.staff_update(complaint, agent, message=f"客户 {APPLICANT} 致电两次", public=False)
    complaints.customer_reply(complaint, customer, "请尽快退款，谢谢。")
    # a complaint taken by phone, before they had an account, with their e-mail as the contact
    ComplaintFactory(
        customer=None, contact_name=APPLICANT, contact_phone=PHONE, contact_email=EMAIL.upper()
    )
    # the account: sign-in records, admin profile, a line of admin history naming them
    AccessAttempt.objects.create(
        username=USERNAME,
        ip_address="203.0.113.9",
        user_agent="x",
        failures_since_start=1,
        get_data="",
        post_data="",
        http_accept="",
        path_info="/accounts/login/",
    )
    AccessLog.objects.create(
        username=USERNAME,
        ip_address="203.0.113.9",
        user_agent="x",
        http_accept="",
        path_info="/accounts/login/",
    )
    UserProfile.get_for_user(customer)
    log(instance=customer, action="wagtail.edit", user=agent)
    return {"customer": customer, "complaint": complaint, "other": other}


def _needles(user: Any) -> list[str]:
    return [
        USERNAME,
        EMAIL,
        FIRST,
        LAST,
        APPLICANT,
        PHONE,
        DISPLAY,
        NUMBER,
        *BROWSERS,
        f"user-{user.pk}",
        customer_profile_key(user.pk),
        TOPIC_TITLE,
    ]


TEXT_FIELDS = (
    models.CharField,
    models.TextField,
    models.JSONField,
    models.GenericIPAddressField,
    models.FileField,
)
#: Records docs/privacy.md says are kept after erasure, and the identifiers they may keep.
#: Empty: what is kept is anonymised, so none of the identifiers above is left anywhere.
RETAINED: dict[str, set[str]] = {}


def scan(needles: list[str]) -> list[str]:
    """Every (model.field, needle) where a stored value contains a needle, over all models."""
    found = []
    for model in apps.get_models():
        fields = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, TEXT_FIELDS) and not f.primary_key
        ]
        if not fields or model._meta.proxy:
            continue
        for row in model._base_manager.values_list(*[f.attname for f in fields]):
            for field, value in zip(fields, row, strict=True):
                if value in (None, ""):
                    continue
                text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                for needle in needles:
                    if needle.lower() in text.lower():
                        label = f"{model._meta.label}.{field.name}"
                        if needle not in RETAINED.get(label, set()):
                            found.append(f"{label}: {needle!r}")
    return sorted(set(found))


#: Links to the account that stay after erasure: the anonymised records point at the nameless
#: account (docs/privacy.md, "What is kept"); every other row linking to it must be gone.
RETAINED_LINKS = {
    "community.Topic.author",
    "community.Post.author",
    "community.Complaint.customer",
    "community.ComplaintEvent.actor",
    "community.ModerationAction.member",
    "tracking.PersonalDataRequest.customer",
}


def linked_rows(user_id: int) -> list[str]:
    """Every model.field (a link to the user model) still pointing at the account, with a count."""
    user_model = get_user_model()
    found = []
    for model in apps.get_models():
        if model is user_model or model._meta.proxy:
            continue
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is user_model:
                label = f"{model._meta.label}.{field.name}"
                count = model._base_manager.filter(**{field.attname: user_id}).count()
                if count and label not in RETAINED_LINKS:
                    found.append(f"{label}: {count}")
    return found


def confirmed(user) -> Client:
    client = Client()
    client.force_login(user)
    response = client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert response.status_code == 302
    return client


def unzip(response) -> tuple[dict[str, Any], dict[str, bytes]]:
    assert response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    return json.loads(files.pop("data.json")), files


def test_the_registry_has_every_apps_part():
    names = [part.name for part in personal_data.parts()]
    assert {"tracking", "crm", "products", "community", "push", "account"} <= set(names)
    assert names[-1] == "account"  # the account itself is erased last


#: Links to the user model that never point at a customer: who edited, owns, locked or uploaded
#: staff content (pages, snippets, images, workflows), and staff tools. Anything else linking to
#: the account belongs to an app that must register a personal-data part (docs/privacy.md).
STAFF_ONLY_LINKS = {
    "owner",
    "locked_by",
    "uploaded_by_user",
    "requested_by",
    "finished_by",
    "resolved_by",
    "moderator",
    "assigned_to",
    "staff",
    # wagtail-localize: the staff member who last translated a string of a page or snippet
    "last_translated_by",
}
STAFF_ONLY_MODELS = {
    "wagtailcore.Revision",
    "wagtailcore.PageLogEntry",
    "wagtailcore.ModelLogEntry",
    "wagtailcore.Comment",
    "wagtailcore.CommentReply",
    "wagtailcore.PageSubscription",
    "wagtailadmin.EditingSession",
    "wagtailadmin.FormState",
}
#: Framework models the account part (tracking) erases by name.
ACCOUNT_MODELS = {
    "account.EmailAddress",
    "otp_totp.TOTPDevice",
    "wagtailusers.UserProfile",
    "wagtailcore.APIToken",
    "admin.LogEntry",
}


def test_every_model_that_links_to_a_customer_belongs_to_a_registered_part():
    """A model added later with a link to the account fails here until its app registers a part
    (or, for a staff-only link, it is listed above)."""
    covered = {
        apps.get_containing_app_config(part.erase.__module__).label
        for part in personal_data.parts()
        if apps.get_containing_app_config(part.erase.__module__)
    }
    user_model = get_user_model()
    uncovered = []
    for model in apps.get_models():
        label = model._meta.label
        for field in model._meta.concrete_fields:
            if not (field.is_relation and field.related_model is user_model):
                continue
            if field.name in STAFF_ONLY_LINKS or label in STAFF_ONLY_MODELS | ACCOUNT_MODELS:
                continue
            if model._meta.app_label not in covered:
                uncovered.append(f"{label}.{field.name}")
    assert uncovered == []


def test_a_part_name_must_be_a_plain_word():
    with pytest.raises(ValueError, match="part name"):
        personal_data.register("../x", label="x", export=lambda s: None, erase=lambda s: None)


def test_the_download_holds_every_part(everywhere):
    customer = everywhere["customer"]
    # Given the scan would find the customer everywhere before erasure (the test can fail)
    assert len(scan(_needles(customer))) > 20
    assert len(linked_rows(customer.pk)) > 5

    # When they download their data
    document, files = unzip(confirmed(customer).get("/account/profile/download/"))

    # Then every part is there, with what each app keeps
    assert document["format"] == personal_data.FORMAT
    assert document["account"]["username"] == USERNAME
    assert document["account"]["email_addresses"][0]["email"] == EMAIL
    tracking = document["tracking"]
    assert tracking["profile"]["customer_number"] == NUMBER
    assert set(tracking["visitor_ids"]) == set(BROWSERS)
    assert customer_profile_key(customer.pk) in tracking["behaviour"]
    assert {"search", "branch_queue_swipe"} <= {i["type"] for i in tracking["interaction_history"]}
    assert any(e["customer"] == NUMBER for e in tracking["events"])
    assert document["crm"]["memberships"][0]["code"] == "VIP_WEALTH"
    applications = document["products"]["applications"]
    assert {a["product"] for a in applications} == {"白金信用卡", "房贷"}
    assert applications[0]["mobile_phone"] == PHONE
    assert document["risk_assessments"]["risk_assessments"][0]["tolerance"] == "C3"
    assert document["push"]["contact_preferences"]["mobile_phone"] == PHONE
    assert FIRST in document["push"]["messages"][0]["text"]
    community = document["community"]
    assert community["member"]["display_name"] == DISPLAY
    assert community["topics"][0]["title"] == TOPIC_TITLE
    assert len(community["posts"]) == 2
    assert EMAIL in community["posts"][0]["earlier_versions"][0]["text"]
    assert len(community["likes"]) == 1 and len(community["subscriptions"]) == 1
    assert community["notifications"] and community["reports"][0]["reason"].startswith(DISPLAY)
    assert len(community["complaints"]) == 2
    assert community["complaints"][1]["contact"]["mobile_phone"] == PHONE
    complaint = community["complaints"][0]
    assert APPLICANT in complaint["description"]
    timeline = " ".join(e["message"] for e in complaint["timeline"])
    assert "已受理" in timeline and "请尽快退款" in timeline
    assert "致电两次" not in timeline  # staff's internal notes are not the customer's reading
    # and the files they gave us, under the paths data.json names
    attached = {a["name"]: a["file"] for a in complaint["attachments"]}
    assert set(attached) == {"账单.png", f"{LAST}.pdf"}
    assert files[attached[f"{LAST}.pdf"]] == ATTACHMENT
    assert files[attached["账单.png"]].startswith(b"\x89PNG")
    assert "README.txt" in files
    # and the download is logged, by the customer themselves
    entry = PersonalDataRequest.objects.get()
    assert (entry.kind, entry.channel, entry.customer_id) == ("export", "self_service", customer.pk)


def test_erasure_leaves_no_personal_data_anywhere(everywhere, django_capture_on_commit_callbacks):
    customer, complaint = everywhere["customer"], everywhere["complaint"]
    stored = [a.file.path for a in ComplaintAttachment.objects.all()]
    assert stored and all(os.path.exists(p) for p in stored)
    needles = _needles(customer)

    # When the customer erases their data
    client = confirmed(customer)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post("/account/profile/erase/", {"confirm": USERNAME})

    # Then nothing in any column of any model names them
    assert response.status_code == 302
    assert scan(needles) == []
    assert linked_rows(customer.pk) == []
    # and the attachments' files are gone from storage, once the erasure committed
    assert callbacks
    assert not any(os.path.exists(p) for p in stored)
    # while what the bank must keep stays, without the person
    complaint.refresh_from_db()
    assert complaint.tracking_number and complaint.category == "card"
    assert complaint.status == "in_progress" and complaint.events.count() >= 4
    assert not complaint.attachments.exists()
    assert ProductApplication.objects.filter(product_title="白金信用卡", user=None).exists()
    assert RiskAssessment.objects.filter(user=None, score=42).exists()
    assert PushMessage.objects.filter(user=None, channel="sms", status="sent").exists()
    assert Topic.objects.filter(author=customer).count() == 1  # others' replies keep their thread
    assert Post.objects.filter(author=everywhere["other"]).count() == 1
    # and the rest is deleted
    for model in (Like, Subscription, TopicReadState, Member, CustomerVisitor, Interaction):
        assert not model.objects.filter(user=customer).exists(), model
    assert not PostReport.objects.filter(reporter=customer).exists()
    assert not CustomerProfile.objects.exists() and not CrmMembership.objects.exists()
    assert not Notification.objects.filter(recipient=customer).exists()
    assert not VisitorProfile.objects.filter(visitor_id__in=BROWSERS).exists()
    assert not RawEvent.objects.filter(visitor_id__in=BROWSERS).exists()
    user = get_user_model().objects.get(pk=customer.pk)
    assert not user.is_active and not user.has_usable_password()
    # and the erasure is in the audit log, naming the account by id only
    entry = PersonalDataRequest.objects.get(kind="erase")
    assert entry.channel == "self_service" and "community" in entry.parts
    assert ModelLogEntry.objects.filter(action="tracking.personal_data.erase").exists()
    # and the browser's visitor cookie is deleted with the account
    assert response.cookies["vid"]["max-age"] == 0


def test_erasing_twice_is_harmless(everywhere):
    customer = everywhere["customer"]
    personal_data.erase(customer)
    first = scan(_needles(customer))

    personal_data.erase(get_user_model().objects.get(pk=customer.pk))

    assert first == [] and scan(_needles(customer)) == []
    assert Complaint.objects.filter(customer=customer).count() == 1
    assert Complaint.objects.filter(customer=None, contact_phone="").count() == 1


def test_a_failing_part_erases_nothing(everywhere, django_capture_on_commit_callbacks):
    customer = everywhere["customer"]
    stored = [a.file.path for a in ComplaintAttachment.objects.all()]

    def broken(subject):
        raise RuntimeError("the CRM link is down")

    personal_data.register("zz_broken", label="x", export=lambda s: None, erase=broken, order=999)
    try:
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
            personal_data.erase(customer)
    finally:
        personal_data.unregister("zz_broken")

    # Every part ran before the broken one, and yet nothing is erased and no file deleted
    user = get_user_model().objects.get(pk=customer.pk)
    assert user.username == USERNAME and user.is_active
    assert Member.objects.filter(user=customer, display_name=DISPLAY).exists()
    assert ComplaintAttachment.objects.count() == 2 and all(os.path.exists(p) for p in stored)
    assert CustomerVisitor.objects.filter(user=customer).count() == 2


# Customer service ---------------------------------------------------------------------------


@pytest.fixture
def customer(db):
    user = UserFactory(username=USERNAME, email=EMAIL)
    CustomerProfile.objects.create(user=user, customer_number=NUMBER)
    return user


def staff(name: str, group: str | None = None) -> Client:
    user = UserFactory(username=name, is_staff=True)
    if group:
        user.groups.add(Group.objects.get(name=group))
    client = Client()
    client.force_login(user)
    return client


def denied(response) -> bool:
    """Wagtail's admin answers a missing permission by sending the user to the dashboard."""
    return response.status_code == 302 and response["Location"] == "/admin/"


def page(user_id: int, action: str = "") -> str:
    return f"/admin/targeting/customers/{user_id}/personal-data/{action}"


def test_personal_data_paths_need_their_permission(customer):
    marketer = staff("marketer-x", "Marketers")
    for path in (page(customer.pk), page(customer.pk, "download/"), page(customer.pk, "erase/")):
        assert Client().get(path).status_code == 302  # to the sign-in page
        method = marketer.get if path == page(customer.pk) else marketer.post
        assert denied(method(path, {"export-reference": "CS-1"})), path
    assert not PersonalDataRequest.objects.exists()


def test_customer_service_downloads_for_the_customer_but_cannot_erase(customer):
    agent = staff("kefu-x", "Customer service")

    listing = agent.get(page(customer.pk), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert listing.status_code == 200
    text = listing.content.decode()
    assert "下载客户的数据" in text and "清除客户的数据" not in text

    response = agent.post(page(customer.pk, "download/"), {"export-reference": "CS-2026-0001"})
    assert response.status_code == 200
    document, _files = unzip(response)
    assert document["account"]["username"] == USERNAME
    entry = PersonalDataRequest.objects.get()
    assert (entry.channel, entry.reference, entry.staff.username) == (
        "customer_service",
        "CS-2026-0001",
        "kefu-x",
    )
    assert ModelLogEntry.objects.filter(action="tracking.personal_data.export").exists()

    assert denied(
        agent.post(
            page(customer.pk, "erase/"), {"erase-reference": "CS-1", "erase-confirm": USERNAME}
        )
    )
    assert get_user_model().objects.get(pk=customer.pk).is_active


def test_data_protection_erases_with_a_case_reference(customer):
    officer = staff("dpo-x", "Data protection")

    response = officer.post(
        page(customer.pk, "erase/"), {"erase-reference": "DP/2026/7", "erase-confirm": USERNAME}
    )

    assert response.status_code == 302
    user = get_user_model().objects.get(pk=customer.pk)
    assert user.username == f"erased-{user.pk}" and not user.is_active
    assert not CustomerProfile.objects.exists()
    entry = PersonalDataRequest.objects.get()
    assert (entry.kind, entry.reference, entry.staff.username) == ("erase", "DP/2026/7", "dpo-x")


@pytest.mark.parametrize(
    "reference",
    ["", "  ", "CS\x00-1", "CS 1", "x" * 41, "<script>", "CS\n1", "-leading-dash"],
)
def test_a_bad_case_reference_is_refused_naming_the_field(customer, reference):
    officer = staff("dpo-y", "Data protection")

    download = officer.post(page(customer.pk, "download/"), {"export-reference": reference})
    erase = officer.post(
        page(customer.pk, "erase/"), {"erase-reference": reference, "erase-confirm": USERNAME}
    )

    for response, form in ((download, "export_form"), (erase, "erase_form")):
        assert response.status_code == 400
        assert list(response.context[form].errors) == ["reference"]
        # the admin speaks the site's language (zh-hans): the message names the field in Chinese
        message = response.context[form].errors["reference"][0]
        assert "案件编号" in message and message in response.content.decode()
    assert get_user_model().objects.get(pk=customer.pk).is_active
    assert not PersonalDataRequest.objects.exists()


def test_the_wrong_username_erases_nothing(customer):
    officer = staff("dpo-z", "Data protection")
    response = officer.post(
        page(customer.pk, "erase/"), {"erase-reference": "DP-1", "erase-confirm": "someone"}
    )
    assert response.status_code == 400
    assert get_user_model().objects.get(pk=customer.pk).is_active


def test_staff_accounts_are_not_erased_from_the_customer_tool(customer):
    officer = staff("dpo-w", "Data protection")
    colleague = UserFactory(username="colleague", is_staff=True)
    response = officer.post(
        page(colleague.pk, "erase/"), {"erase-reference": "DP-2", "erase-confirm": "colleague"}
    )
    assert denied(response)
    assert get_user_model().objects.get(pk=colleague.pk).is_active


def test_downloading_and_erasing_need_post_and_a_csrf_token(customer):
    officer = staff("dpo-v", "Data protection")
    assert officer.get(page(customer.pk, "download/")).status_code == 405
    assert officer.get(page(customer.pk, "erase/")).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(get_user_model().objects.get(username="dpo-v"))
    assert (
        strict.post(page(customer.pk, "download/"), {"export-reference": "A1"}).status_code == 403
    )


def test_an_unknown_customer_is_a_404(customer):
    officer = staff("dpo-u", "Data protection")
    assert officer.get(page(999_999)).status_code == 404
    assert officer.post(page(999_999, "download/"), {"export-reference": "A1"}).status_code == 404


def test_the_erasure_record_is_kept_after_the_customer_is_gone(customer):
    officer = staff("dpo-t", "Data protection")
    officer.post(
        page(customer.pk, "erase/"), {"erase-reference": "DP-3", "erase-confirm": USERNAME}
    )
    listing = officer.get(page(customer.pk), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "DP-3" in listing and "清除" in listing

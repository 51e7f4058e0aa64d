"""Complaints: filing with attachments, tracking numbers, service levels, the status workflow and
timeline, customers' replies, the staff queue, escalation, and forum posts turned into complaints."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from community import complaints
from community.models import (
    CommunitySettings,
    Complaint,
    ComplaintEvent,
    ModerationAction,
    Notification,
)
from community.tasks import escalate_overdue_complaints
from tests.community.conftest import client_for
from tests.community.factories import ComplaintFactory


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


def file_form(**extra):
    data = {
        "category": "card",
        "channel": "mobile_app",
        "description": "信用卡年费被重复扣收两次，请尽快退还。",
    }
    data.update(extra)
    return data


def test_a_customer_files_a_complaint_and_gets_a_tracking_number(customer):
    # given a signed-in customer
    client = client_for(customer)
    # when they file a complaint with a photo and a PDF
    photo = SimpleUploadedFile("账单.png", png_bytes(), content_type="image/png")
    pdf = SimpleUploadedFile("statement.pdf", b"%PDF-1.4\n...", content_type="application/pdf")
    response = client.post("/community/complaints/new/", file_form(attachments=[photo, pdf]))
    # then it is registered with a TS + date + 6 digits number, due dates and a first event
    complaint = Complaint.objects.get(customer=customer)
    assert re.fullmatch(r"TS\d{8}\d{6}", complaint.tracking_number)
    assert complaint.tracking_number[2:10] == timezone.localtime().strftime("%Y%m%d")
    assert response["Location"] == f"/community/complaints/{complaint.tracking_number}/"
    assert complaint.status == "received"
    assert complaint.attachments.count() == 2
    levels = CommunitySettings.load()
    assert complaint.first_response_due - complaint.created == timedelta(
        hours=levels.first_response_hours
    )
    assert complaint.resolution_due - complaint.created == timedelta(hours=levels.resolution_hours)
    detail = client.get(response["Location"]).content.decode()
    assert complaint.tracking_number in detail and "账单.png" in detail
    # and the customer can download their attachment
    attachment = complaint.attachments.first()
    download = client.get(
        f"/community/complaints/{complaint.tracking_number}/files/{attachment.pk}/"
    )
    assert download.status_code == 200


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "virus.pdf",
            b"MZ\x90\x00 this is an exe",
            "{name} 不是照片（JPEG、PNG、GIF、WebP）或 PDF 文件。",
        ),
        (
            "photo.png",
            b"<script>alert(1)</script>",
            "{name} 不是照片（JPEG、PNG、GIF、WebP）或 PDF 文件。",
        ),
        ("fake.png", b"\x89PNG\r\n\x1a\n" + b"garbage", "无法将 {name} 识别为图片。"),
    ],
)
def test_attachments_are_checked_by_content(customer, name, content, message):
    upload = SimpleUploadedFile(name, content, content_type="image/png")
    response = client_for(customer).post(
        "/community/complaints/new/",
        file_form(attachments=[upload]),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert name in page
    assert not Complaint.objects.exists()
    # the description the customer typed is not lost
    assert "重复扣收" in page
    # and the error, next to the field, names the refused file
    error = page.split('id="id_attachments_error"')[1][:400]
    assert message.format(name=name) in error


def test_at_most_three_attachments_of_5_mb(customer, settings):
    client = client_for(customer)
    files = [
        SimpleUploadedFile(f"{i}.png", png_bytes(), content_type="image/png") for i in range(4)
    ]
    response = client.post("/community/complaints/new/", file_form(attachments=files))
    assert response.status_code == 200 and not Complaint.objects.exists()
    big = SimpleUploadedFile(
        "big.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024), content_type="application/pdf"
    )
    response = client.post("/community/complaints/new/", file_form(attachments=[big]))
    assert response.status_code == 200 and not Complaint.objects.exists()
    error = response.content.decode().split('id="id_attachments_error"')[1][:400]
    assert "big.pdf" in error


def test_a_missing_description_names_the_field(customer):
    response = client_for(customer).post("/community/complaints/new/", file_form(description=""))
    assert response.status_code == 200
    assert 'id="id_description_error"' in response.content.decode()


def test_another_customers_complaint_is_not_found(customer, other_customer):
    complaint = ComplaintFactory(customer=customer)
    client = client_for(other_customer)
    assert client.get(complaint.get_absolute_url()).status_code == 404
    assert complaint.tracking_number not in client.get("/community/complaints/").content.decode()
    attachment_url = f"/community/complaints/{complaint.tracking_number}/files/1/"
    assert client.get(attachment_url).status_code == 404


def test_status_workflow_allows_only_listed_transitions(agent):
    complaint = ComplaintFactory()
    complaints.staff_update(complaint, agent, to_status="resolved", message="已退还年费")
    complaints.staff_update(complaint, agent, to_status="closed")
    with pytest.raises(complaints.ComplaintError):
        complaints.staff_update(complaint, agent, to_status="in_progress")
    assert complaint.status == "closed"


def test_staff_reply_internal_note_and_customer_timeline(
    customer, agent, django_capture_on_commit_callbacks
):
    # given a complaint
    complaint = ComplaintFactory(customer=customer)
    staff = client_for(agent)
    act = f"/admin/community/complaints/{complaint.pk}/act/"
    # when an agent assigns it, writes an internal note and asks the customer a question
    staff.post(act, {"action": "assign"})
    staff.post(act, {"message": "核实扣费记录中", "visibility": "internal"})
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(
            act,
            {"status": "awaiting_customer", "message": "请提供扣费日期", "visibility": "public"},
        )
    complaint.refresh_from_db()
    # then the complaint is assigned, answered in time, awaiting the customer, who is notified
    assert complaint.assigned_to == agent
    assert complaint.first_responded_at is not None
    assert complaint.status == "awaiting_customer"
    assert Notification.objects.filter(recipient=customer, kind="complaint").exists()
    assert mail.outbox and customer.email in mail.outbox[-1].to
    # and the customer's timeline shows the public message but never the internal note
    page = client_for(customer).get(complaint.get_absolute_url()).content.decode()
    assert "请提供扣费日期" in page
    assert "核实扣费记录中" not in page
    # when the customer replies / then the complaint is back in progress
    client_for(customer).post(complaint.get_absolute_url(), {"message": "3月5日扣费"})
    complaint.refresh_from_db()
    assert complaint.status == "in_progress"
    kinds = list(complaint.events.values_list("kind", flat=True))
    assert kinds == ["assigned", "note", "status", "message", "status"]


def test_staff_queue_sorts_by_due_date_flags_overdue_and_filters(agent):
    now = timezone.now()
    late = ComplaintFactory(first_response_due=now - timedelta(hours=2), category="fees")
    soon = ComplaintFactory(first_response_due=now + timedelta(hours=1))
    later = ComplaintFactory(first_response_due=now + timedelta(hours=10))
    done = ComplaintFactory(status="closed")
    staff = client_for(agent)
    page = staff.get("/admin/community/complaints/").content.decode()
    positions = [page.index(c.tracking_number) for c in (late, soon, later)]
    assert positions == sorted(positions)
    assert done.tracking_number not in page
    assert page.count('class="community-overdue"') == 1
    overdue_only = staff.get("/admin/community/complaints/?overdue=1").content.decode()
    assert late.tracking_number in overdue_only and soon.tracking_number not in overdue_only
    fees = staff.get("/admin/community/complaints/?category=fees").content.decode()
    assert late.tracking_number in fees and later.tracking_number not in fees
    closed = staff.get("/admin/community/complaints/?status=closed").content.decode()
    assert done.tracking_number in closed


def test_overdue_complaints_are_escalated_once_and_staff_notified(
    agent, django_capture_on_commit_callbacks
):
    now = timezone.now()
    overdue = ComplaintFactory(first_response_due=now - timedelta(minutes=1))
    ComplaintFactory()  # not due yet
    with django_capture_on_commit_callbacks(execute=True):
        assert escalate_overdue_complaints.delay().get() == 1
    overdue.refresh_from_db()
    assert overdue.escalated_at is not None
    assert ComplaintEvent.objects.filter(complaint=overdue, kind="escalated", public=False).exists()
    assert Notification.objects.filter(recipient=agent, kind="complaint").count() == 1
    assert agent.email in mail.outbox[-1].to
    # running the job again escalates nothing new
    assert escalate_overdue_complaints() == 0


def test_beat_schedule_runs_the_escalation(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "community.tasks.escalate_overdue_complaints" in tasks


def test_a_moderator_turns_a_post_into_a_complaint(topic, customer, moderator, agent):
    post = topic.posts.first()
    response = client_for(moderator).post(
        f"/admin/community/moderation/post/{post.pk}/act/",
        {"action": "complaint", "category": "card", "channel": "online"},
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get(source_post=post)
    assert complaint.customer == customer
    assert complaint.description == post.body_markdown
    assert ModerationAction.objects.filter(action="to_complaint", post=post).exists()
    # the author sees it among their complaints; staff see the link back to the post
    assert (
        complaint.tracking_number
        in client_for(customer).get("/community/complaints/").content.decode()
    )
    detail = client_for(agent).get(f"/admin/community/complaints/{complaint.pk}/").content.decode()
    assert f"/community/p/{post.pk}/" in detail


# Attachments: private storage, sniffed types, safe serving, early size refusal ------------------


def _file_with(client, upload):
    response = client.post("/community/complaints/new/", file_form(attachments=[upload]))
    assert response.status_code == 302, response.content.decode()[:500]
    return Complaint.objects.latest("id").attachments.get()


def test_attachments_live_in_private_storage_with_the_sniffed_extension(
    customer, _private_media, settings
):
    # given a PNG photo the customer named "evil.html"
    upload = SimpleUploadedFile("evil.html", png_bytes(), content_type="text/html")
    # when they file it
    attachment = _file_with(client_for(customer), upload)
    # then it is stored under the private root, outside the public media, as .png
    assert attachment.file.name.endswith(".png") and "evil" not in attachment.file.name
    assert (_private_media / attachment.file.name).is_file()
    assert not str(_private_media).startswith(str(settings.MEDIA_ROOT))
    assert attachment.content_type == "image/png"
    # and the storage has no public address at all
    with pytest.raises(ValueError):
        attachment.file.url  # noqa: B018


def test_images_are_shown_inline_and_pdfs_are_downloads_with_nosniff(customer):
    client = client_for(customer)
    photo = _file_with(client, SimpleUploadedFile("a.png", png_bytes()))
    pdf = _file_with(client, SimpleUploadedFile("b.html", b"%PDF-1.4\n<html><script>"))
    shown = client.get(f"/community/complaints/{photo.complaint.tracking_number}/files/{photo.pk}/")
    assert shown["Content-Type"] == "image/png"
    assert shown["Content-Disposition"].startswith("inline")
    assert shown["X-Content-Type-Options"] == "nosniff"
    downloaded = client.get(
        f"/community/complaints/{pdf.complaint.tracking_number}/files/{pdf.pk}/"
    )
    assert downloaded["Content-Type"] == "application/pdf"
    assert downloaded["Content-Disposition"].startswith("attachment")
    assert downloaded["X-Content-Type-Options"] == "nosniff"
    assert pdf.file.name.endswith(".pdf")


def test_attachments_are_served_to_the_complainant_and_complaint_staff_only(
    customer, other_customer, agent, moderator
):
    attachment = _file_with(client_for(customer), SimpleUploadedFile("a.png", png_bytes()))
    url = f"/community/complaints/{attachment.complaint.tracking_number}/files/{attachment.pk}/"
    assert client_for(customer).get(url).status_code == 200
    assert client_for(agent).get(url).status_code == 200
    assert client_for(other_customer).get(url).status_code == 404
    assert client_for(moderator).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302  # to the sign-in page


def test_an_image_pillow_cannot_read_is_refused(customer):
    # given a GIF whose first bytes were swapped for a JPEG signature
    gif = io.BytesIO()
    Image.new("RGB", (2, 2)).save(gif, "GIF")
    upload = SimpleUploadedFile("x.jpg", b"\xff\xd8\xff" + gif.getvalue()[3:])
    response = client_for(customer).post(
        "/community/complaints/new/", file_form(attachments=[upload])
    )
    assert response.status_code == 200 and not Complaint.objects.exists()


class _UnreadableBody:
    """A request body that fails the test if anyone reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def test_an_oversized_upload_is_refused_by_content_length_before_reading(customer):
    # given a complaint form whose declared body is far beyond 3 files of 5 MB
    client = client_for(customer)
    # when it is posted
    response = client.generic(
        "POST",
        "/community/complaints/new/",
        b"",
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(200 * 1024 * 1024),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
        **{"wsgi.input": _UnreadableBody()},
    )
    # then the answer is 413 with a clear message, and the body was never read
    assert response.status_code == 413
    assert "文件太大" in response.content.decode()
    assert not Complaint.objects.exists()


def test_a_malformed_content_length_is_a_400(customer):
    response = client_for(customer).generic(
        "POST",
        "/en/community/complaints/new/",
        b"",
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH="1e9",
        **{"wsgi.input": _UnreadableBody()},
    )
    assert response.status_code == 400
    assert response.content.decode().startswith("Content-Length:")


def test_the_complaint_form_still_checks_csrf(customer):
    client = client_for(customer)
    client.handler.enforce_csrf_checks = True
    response = client.post("/community/complaints/new/", file_form())
    assert response.status_code == 403 and not Complaint.objects.exists()


def test_existing_public_attachments_move_to_private_storage(
    customer, _private_media, django_capture_on_commit_callbacks
):
    # given an attachment filed before this change: in the public media, with the client's
    # extension (and served as text/html from there)
    import importlib

    from django.apps import apps
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from community.models import ComplaintAttachment

    complaint = ComplaintFactory(customer=customer)
    public_name = default_storage.save("complaints/2025/01/abc.html", ContentFile(png_bytes()))
    attachment = ComplaintAttachment.objects.create(
        complaint=complaint, file="x", original_name="abc.html", content_type="text/html", size=1
    )
    ComplaintAttachment.objects.filter(pk=attachment.pk).update(file=public_name)
    migration = importlib.import_module(
        "community.migrations.0005_move_attachments_to_private_storage"
    )
    # when the data migration runs (and its transaction commits)
    with django_capture_on_commit_callbacks(execute=True):
        migration.move_attachments(apps, None)
    # then the file is private, named by its real type, and gone from the public media
    attachment.refresh_from_db()
    assert attachment.file.name == "complaints/2025/01/abc.png"
    assert attachment.content_type == "image/png"
    assert (_private_media / attachment.file.name).read_bytes() == png_bytes()
    assert not default_storage.exists(public_name)
    # and running it again changes nothing (it is safe to re-run)
    with django_capture_on_commit_callbacks(execute=True):
        migration.move_attachments(apps, None)
    attachment.refresh_from_db()
    assert attachment.file.name == "complaints/2025/01/abc.png"

"""The demo community seeds realistic content once, and re-running it changes nothing."""

from __future__ import annotations

import io

from community import demo
from community.models import Board, Complaint, ComplaintStatus, Post, Topic


def test_seed_is_idempotent_and_covers_every_complaint_status(db, settings):
    settings.DEBUG = True
    out = io.StringIO()
    demo.seed(out)
    counts = (
        Board.objects.count(),
        Topic.objects.count(),
        Post.objects.count(),
        Complaint.objects.count(),
    )
    assert "password" in out.getvalue()  # printed in development only
    demo.seed(io.StringIO())
    assert counts == (
        Board.objects.count(),
        Topic.objects.count(),
        Post.objects.count(),
        Complaint.objects.count(),
    )
    assert counts[1] >= 15 and counts[2] >= 40
    statuses = set(Complaint.objects.values_list("status", flat=True))
    assert statuses == set(ComplaintStatus.values)
    assert Topic.objects.filter(accepted_answer__is_official=True).exists()
    assert Topic.objects.filter(title="信用卡年费怎么免？").exists()
    assert Complaint.objects.overdue().exists()


def test_outside_development_demo_accounts_cannot_sign_in(db, settings):
    settings.DEBUG = False
    out = io.StringIO()
    demo.seed(out)
    from django.contrib.auth import get_user_model

    assert "password" not in out.getvalue()
    assert not get_user_model().objects.get(username="wangfang").has_usable_password()

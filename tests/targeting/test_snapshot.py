"""The in-process snapshot: rebuilt when a publish bumps the version, otherwise reused."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
import threading

import pytest
from django.core.cache import cache

from portal.settings import dev as dev_settings
from targeting import snapshot as snapshot_module
from targeting.engine.decide import Snapshot
from targeting.snapshot import VERSION_KEY, get_snapshot
from tests.targeting.factories import (
    CreativeFactory,
    PlacementFactory,
    SegmentFactory,
    live_campaign,
    publish,
)


@pytest.mark.django_db
def test_publishing_a_segment_bumps_the_version_and_makes_it_live(
    django_capture_on_commit_callbacks,
):
    # Given a snapshot in use and a segment saved as a draft only
    draft = SegmentFactory(slug="draft-only", live=False)
    before = get_snapshot()
    assert "draft-only" not in before.engine.segment_rules

    # When another segment is published
    with django_capture_on_commit_callbacks(execute=True):
        publish(SegmentFactory(slug="mobiles"))

    # Then the next snapshot has a new version with the published segment, not the draft
    after = get_snapshot()
    assert after.version != before.version
    assert "mobiles" in after.engine.segment_rules
    assert draft.slug not in after.engine.segment_rules


@pytest.mark.django_db
def test_unpublishing_a_campaign_takes_it_out(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        campaign = live_campaign(PlacementFactory(slug="home-hero"), slug="spring")
    assert "spring" in get_snapshot().engine.campaigns

    with django_capture_on_commit_callbacks(execute=True):
        campaign.unpublish()

    assert "spring" not in get_snapshot().engine.campaigns


@pytest.mark.django_db
def test_a_draft_creative_is_not_shown(django_capture_on_commit_callbacks):
    creative = CreativeFactory(live=False)
    with django_capture_on_commit_callbacks(execute=True):
        placement = PlacementFactory(slug="home-hero")
        publish(SegmentFactory(slug="x"))
    campaign = live_campaign(placement, publish(CreativeFactory()), slug="c")
    campaign.campaign_creatives.create(creative=creative, weight=5)
    snapshot_module.reset()
    creatives = get_snapshot().engine.creatives["c"]
    assert creative.pk not in [c.id for c in creatives]


@pytest.mark.django_db
def test_the_version_key_is_checked_at_most_once_a_second(monkeypatch):
    # Given a snapshot built at t=100 s
    clock = [100.0]
    monkeypatch.setattr(snapshot_module.time, "monotonic", lambda: clock[0])
    first = get_snapshot()

    # When another server publishes (the shared key changes) half a second later
    cache.set(VERSION_KEY, "from-another-server", timeout=None)
    clock[0] = 100.5
    # Then this process keeps its snapshot without looking at the key
    assert get_snapshot() is first

    # and picks the new version up once a second has passed: built aside, while the old one
    # keeps answering, then swapped in
    clock[0] = 101.2
    assert get_snapshot() is first
    snapshot_module.wait_for_build()
    assert get_snapshot().version == "from-another-server"


@pytest.mark.django_db
def test_a_bump_in_another_process_reaches_a_development_server(settings, tmp_path):
    # Given a server on the development settings (`make run`: no Redis) that built its snapshot
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.dev"}
    env["LOCAL_CACHE_DIR"] = str(tmp_path)
    # (the other process needs no data: its own throwaway database, never the test run's)
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'other-process.sqlite3'}"
    caches = copy.deepcopy(dev_settings.CACHES)
    if caches["default"]["BACKEND"].endswith("FileBasedCache"):
        caches["default"]["LOCATION"] = str(tmp_path)
    settings.CACHES = caches
    snapshot_module.reset()
    before = get_snapshot().version
    # When another process (an approval in the shell, a CRM import) bumps the version
    bumped = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.core.cache import cache; from targeting import snapshot; "
            "snapshot.bump_version(); print(cache.get(snapshot.VERSION_KEY))",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout.split()[-1]
    # Then the server rebuilds on its next check (at most a second later)
    snapshot_module._state["checked_at"] = 0.0
    get_snapshot()
    snapshot_module.wait_for_build()
    after = get_snapshot().version
    assert bumped != before
    assert after == bumped


def built(version: str) -> snapshot_module.TargetingSnapshot:
    return snapshot_module.TargetingSnapshot(
        version=version, engine=Snapshot.build({}, [], version)
    )


def test_a_publish_elsewhere_is_built_aside_while_requests_keep_the_old_snapshot(monkeypatch):
    # Given a process serving version "a", and a rebuild that takes its time
    monkeypatch.setattr(snapshot_module, "build_snapshot", built)
    cache.set(VERSION_KEY, "a", timeout=None)
    first = get_snapshot()
    release = threading.Event()

    def slow(version):
        release.wait(10)
        return built(version)

    monkeypatch.setattr(snapshot_module, "build_snapshot", slow)
    # When another server publishes version "b"
    cache.set(VERSION_KEY, "b", timeout=None)
    snapshot_module._state["checked_at"] = 0.0
    # Then requests are answered at once from "a" while "b" builds (one build, not one each)
    for _ in range(3):
        snapshot_module._state["checked_at"] = 0.0
        assert get_snapshot() is first
    assert snapshot_module._state["building"] == "b"
    # and once it is built, "b" is swapped in
    release.set()
    snapshot_module.wait_for_build()
    assert get_snapshot().version == "b"
    assert snapshot_module._state["building"] is None


@pytest.mark.django_db
def test_a_publish_in_this_process_is_built_at_once(
    monkeypatch, django_capture_on_commit_callbacks
):
    # Given a process serving a snapshot
    monkeypatch.setattr(snapshot_module, "build_snapshot", built)
    first = get_snapshot()
    # When it publishes itself (the editor's request)
    with django_capture_on_commit_callbacks(execute=True):
        snapshot_module.bump_version()
    # Then its next request already has the new version (no thread involved)
    after = get_snapshot()
    assert after.version != first.version
    assert snapshot_module._state["builder"] is None


def test_a_build_aside_that_fails_keeps_the_old_snapshot(monkeypatch, caplog):
    monkeypatch.setattr(snapshot_module, "build_snapshot", built)
    cache.set(VERSION_KEY, "a", timeout=None)
    first = get_snapshot()

    def broken(version):
        raise RuntimeError("database down")

    monkeypatch.setattr(snapshot_module, "build_snapshot", broken)
    cache.set(VERSION_KEY, "b", timeout=None)
    snapshot_module._state["checked_at"] = 0.0
    assert get_snapshot() is first
    snapshot_module.wait_for_build()
    snapshot_module._state["checked_at"] = 0.0
    assert get_snapshot() is first
    assert "could not be built" in caplog.text

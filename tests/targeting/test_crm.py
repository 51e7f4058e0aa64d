"""Importing CRM segment memberships from the CRM's CSV export."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.utils import timezone

from targeting.crm import import_memberships
from targeting.models import CrmMembership
from targeting.profiles import customer_key, load_customer
from tests.targeting.factories import CustomerProfileFactory

GOOD_AND_BAD = """customer,code,expires
C0000001,VIP,
C0000002,SME,2030-06-30
,VIP,
C0000003,,
C0000004,VIP,next tuesday
C0000005,VIP;DROP,
"""


@pytest.fixture
def csv_file(tmp_path):
    def write(text: str):
        path = tmp_path / "crm.csv"
        path.write_text(text, encoding="utf-8")
        return str(path)

    return write


@pytest.mark.django_db
def test_good_rows_are_imported_and_bad_rows_reported_with_line_numbers(csv_file, capsys):
    # Given an export with two good rows and four bad ones
    path = csv_file(GOOD_AND_BAD)

    # When it is imported
    call_command("import_crm_segments", path)

    # Then the good rows are memberships and each bad row is named by line and reason
    out, err = capsys.readouterr()
    assert set(CrmMembership.objects.values_list("customer_ref", "code")) == {
        ("C0000001", "VIP"),
        ("C0000002", "SME"),
    }
    assert f"{path}:4: rejected: customer: missing" in err
    assert f"{path}:5: rejected: code: missing" in err
    assert f"{path}:6: rejected: expires:" in err
    assert f"{path}:7: rejected: code:" in err
    assert "2 rows accepted" in out
    assert "4 rejected" in out
    sme = CrmMembership.objects.get(code="SME")
    assert timezone.localtime(sme.expires_at).date().isoformat() == "2030-06-30"


@pytest.mark.django_db
def test_reimporting_the_same_file_changes_nothing(csv_file, capsys):
    # Given a file imported once
    path = csv_file(GOOD_AND_BAD)
    call_command("import_crm_segments", path)
    capsys.readouterr()

    # When it is imported again
    call_command("import_crm_segments", path)

    # Then no membership is duplicated and both rows are reported unchanged
    out, _err = capsys.readouterr()
    assert CrmMembership.objects.count() == 2
    assert "0 created, 0 updated, 2 unchanged" in out


@pytest.mark.django_db
def test_a_new_expiry_updates_the_membership(csv_file):
    # Given a membership without expiry
    call_command("import_crm_segments", csv_file("customer,code,expires\nC0000001,VIP,\n"))

    # When the CRM sends it again with an expiry
    call_command(
        "import_crm_segments", csv_file("customer,code,expires\nC0000001,VIP,2031-01-01\n")
    )

    # Then the one membership carries the expiry
    membership = CrmMembership.objects.get()
    assert timezone.localtime(membership.expires_at).year == 2031


@pytest.mark.django_db
def test_expired_codes_no_longer_count_for_the_customer(csv_file):
    # Given a customer with a VIP code that expired yesterday and an SME code still in force
    profile = CustomerProfileFactory(customer_number="C0000009")
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    next_year = (timezone.localdate() + timedelta(days=365)).isoformat()
    call_command(
        "import_crm_segments",
        csv_file(f"customer,code,expires\nC0000009,VIP,{yesterday}\nC0000009,SME,{next_year}\n"),
    )

    # When the engine loads the customer
    customer = load_customer(profile.user)

    # Then only the code in force counts
    assert customer["crm_segments"] == ["SME"]


@pytest.mark.django_db
def test_a_file_without_the_required_columns_is_refused(csv_file):
    with pytest.raises(CommandError, match="missing column"):
        call_command("import_crm_segments", csv_file("client,segment\nC1,VIP\n"))
    assert CrmMembership.objects.count() == 0


@pytest.mark.parametrize(
    "expires",
    [
        "99999-01-01",
        "9999-12-31T23:59:59-23:59",
        "0001-01-01T00:00:00+14:00",
        "3000-01-01",
        "2999-12-31T23:00:00-08:00",
        "2026-02-30",
        "1" + "0" * 30,
    ],
)
def test_an_expiry_outside_any_calendar_is_rejected_by_line(db, expires):
    # Given a CRM export with a far-future or overflowing expiry next to a good row
    report = import_memberships(
        io.StringIO(f"customer,code,expires\nC0000001,VIP,{expires}\nC0000002,SME,2030-06-30\n")
    )

    # Then that row is rejected naming expires, and the good row is imported
    assert [line for line, _reason in report.rejected] == [2]
    assert report.rejected[0][1].startswith("expires:")
    assert report.created == 1


def test_a_bare_date_means_the_end_of_that_day(db):
    import_memberships(io.StringIO("customer,code,expires\nC0000001,VIP,2030-06-30\n"))

    expires = timezone.localtime(CrmMembership.objects.get().expires_at)
    assert (expires.date().isoformat(), expires.hour, expires.minute) == ("2030-06-30", 23, 59)


@pytest.mark.django_db
def test_one_malformed_expiry_drops_only_that_membership():
    # Given a customer whose cached document holds one CRM code with an unreadable expiry,
    # one without expiry and one in force (an older cache entry or a hand-edited one)
    profile = CustomerProfileFactory(customer_number="C0000010", income_band="high")
    next_year = (timezone.localdate() + timedelta(days=365)).isoformat()
    load_customer(profile.user)  # fills the cache
    doc = cache.get(customer_key(profile.user.pk))
    doc["crm"] = [["VIP", "next tuesday"], ["SME", None], ["GOLD", next_year]]
    cache.set(customer_key(profile.user.pk), doc)

    # When the engine loads the customer
    customer = load_customer(profile.user)

    # Then only the unreadable membership is dropped; the rest of the profile stays known
    assert customer["crm_segments"] == ["GOLD", "SME"]
    assert customer["income_band"] == "high"

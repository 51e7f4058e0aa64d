"""Imports and the API: bad rows named by line and field, the rest stored; hostile input."""

import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from community.listening import intake
from community.listening.models import ListeningItem, Status

pytestmark = pytest.mark.django_db


def _jsonl(rows):
    return io.StringIO(
        "\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows)
    )


def test_bad_rows_are_reported_by_line_and_field_and_the_rest_imported():
    future = (timezone.now() + timedelta(days=3)).isoformat()
    stream = _jsonl(
        [
            {"source": "weibo", "id": "1", "text": "手机银行又崩了"},
            {"source": "twitter", "id": "2", "text": "x"},
            {"source": "weibo", "id": "3"},
            "{not json",
            {"source": "weibo", "id": "5", "text": "a\u0000b"},
            {"source": "weibo", "id": "6", "text": "好", "published_at": future},
            {"source": "weibo", "id": "7", "text": "好", "published_at": "yesterday"},
            {"source": "weibo", "id": "8", "text": "好", "colour": "red"},
            '{"source": "weibo", "id": "9", "text": NaN}',
            {"source": "news", "id": "10", "text": "存款利率下调", "url": "javascript:alert(1)"},
            {"source": "news", "id": "11", "text": "大额存单额度紧张"},
        ]
    )
    outcome = intake.store(intake.read_jsonl(stream))
    refused = {(e["line"], e["field"]) for e in outcome.errors}
    assert refused == {
        (2, "source"),
        (3, "text"),
        (4, ""),
        (5, "text"),
        (6, "published_at"),
        (7, "published_at"),
        (8, "colour"),
        (9, ""),
        (10, "url"),
    }
    assert outcome.created == 2
    assert set(ListeningItem.objects.values_list("external_id", flat=True)) == {"1", "11"}


def test_a_resent_post_is_known_not_stored_twice():
    rows = [(1, {"source": "weibo", "id": "a", "text": "信用卡年费太贵"})]
    assert intake.store(rows).created == 1
    again = intake.store(rows)
    assert (again.created, again.known) == (0, 1)
    assert ListeningItem.objects.count() == 1


def test_personal_numbers_are_masked_and_authors_hashed_before_storage():
    intake.store(
        [(1, {"source": "weibo", "id": "p", "text": "我的电话13800138000快回电", "author": "张三"})]
    )
    item = ListeningItem.objects.get()
    assert "13800138000" not in item.text
    assert "张三" not in item.author_hash and len(item.author_hash) == 32
    assert item.author_id is None and item.masked == "mobile"


def test_csv_import_command_reports_lines(tmp_path, capsys):
    path = tmp_path / "posts.csv"
    path.write_text(
        "source,id,text,published_at\nweibo,1,手机银行闪退,2026-11-29T10:00:00+08:00\n"
        "weibo,2,,\nnews,3,理财收益下降,not-a-date\n",
        encoding="utf-8",
    )
    call_command("import_listening_posts", str(path), "--process")
    captured = capsys.readouterr()
    assert "line 3: text" in captured.err
    assert "line 4: published_at" in captured.err
    assert "1 posts imported" in captured.out
    assert ListeningItem.objects.get().status == Status.DONE


def test_csv_with_more_cells_than_headers_is_refused_by_line(tmp_path):
    path = tmp_path / "posts.csv"
    path.write_text("source,id,text\nweibo,1,好,extra\nweibo,2,好\n", encoding="utf-8")
    outcome = intake.store(intake.read_csv(path.open(encoding="utf-8", newline="")))
    assert [(e["line"], e["field"]) for e in outcome.errors] == [(2, "")]
    assert outcome.created == 1

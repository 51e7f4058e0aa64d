"""The Markdown allow-list: what members may write, and what never survives."""

from __future__ import annotations

import pytest

from community.markup import count_links, render_markdown


def test_markdown_basics_survive():
    html = render_markdown("### 标题\n\n**粗** *斜* `code`\n\n> 引用\n\n- 一\n- 二\n\n1. 甲")
    for fragment in (
        "<h3>标题</h3>",
        "<strong>粗</strong>",
        "<em>斜</em>",
        "<code>code</code>",
        "<blockquote>",
        "<ul>",
        "<ol>",
    ):
        assert fragment in html


def test_links_get_nofollow_ugc_noopener():
    html = render_markdown("[官网](https://www.example.cn)")
    assert 'rel="nofollow ugc noopener"' in html and 'href="https://www.example.cn"' in html


def test_tables_survive():
    assert "<table>" in render_markdown("| a | b |\n|---|---|\n| 1 | 2 |")


@pytest.mark.parametrize(
    ("source", "kept"),
    [
        ("![图](/media/images/a.png)", True),
        ("![图](https://evil.example/a.png)", False),
        ("![图](//evil.example/a.png)", False),
        ("![图](/static/../media/a.png)", False),
        # encoded climbs out of the media folder, once, twice, with backslashes and mixed case
        ("![图](/media/%2e%2e/admin/)", False),
        ("![图](/media/%2E%2E/django-admin/logout/)", False),
        ("![图](/media/%252e%252e/admin/)", False),
        ("![图](/media/..%2fadmin/)", False),
        ("![图](/media/..%5cadmin/)", False),
        ("![图](/media/..\\admin/)", False),
        ("![图](/media/%2e./admin/)", False),
        # a host hidden behind a backslash, a relative path, control characters
        ("![图](/\\evil.example/media/a.png)", False),
        ("![图](media/a.png)", False),
        ("![图](/media/a%00.png)", False),
        ("![图](/media/a%0a.png)", False),
        # an honest upload with an encoded space stays
        ("![图](/media/images/my%20photo.png)", True),
    ],
)
def test_images_only_from_our_own_uploads(source, kept):
    assert ("src=" in render_markdown(source)) is kept


def test_headings_outside_the_allow_list_become_text():
    html = render_markdown("# 大标题")
    assert "<h1>" not in html and "大标题" in html


def test_link_counting():
    assert count_links("见 https://a.cn 和 http://b.cn 与 www.c.cn") == 3

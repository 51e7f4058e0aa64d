"""Searching the community finds Chinese and Latin text by substring, in readable boards only."""

from __future__ import annotations

from tests.community.conftest import client_for
from tests.community.factories import PostFactory, TopicFactory


def test_chinese_substrings_are_found(topic, customer):
    PostFactory(topic=topic, author=customer, body_markdown="理财产品到期后资金一般T+1到账。")
    page = client_for(None).get("/community/search/", {"q": "到账"}).content.decode()
    assert "信用卡年费怎么免?" in page
    assert "T+1" in page


def test_titles_are_searched_and_terms_are_combined(board, customer):
    TopicFactory(board=board, author=customer, title="手机银行转账限额如何调整?")
    other = TopicFactory(board=board, author=customer, title="网银转账失败")
    PostFactory(topic=other, author=customer, body_markdown="提示网络错误")
    t = TopicFactory(board=board, author=customer, title="限额问题")
    PostFactory(topic=t, author=customer, body_markdown="ATM transfer limit")
    page = client_for(None).get("/community/search/", {"q": "转账 失败"}).content.decode()
    assert "网银转账失败" in page and "限额如何调整" not in page
    page = client_for(None).get("/community/search/", {"q": "transfer"}).content.decode()
    assert "限额问题" in page


def test_hidden_and_unapproved_posts_are_not_found(topic, customer):
    PostFactory(topic=topic, author=customer, body_markdown="秘密内容甲", hidden=True)
    PostFactory(topic=topic, author=customer, body_markdown="秘密内容乙", approved=False)
    page = client_for(None).get("/community/search/", {"q": "秘密内容"}).content.decode()
    assert "秘密内容甲" not in page and "秘密内容乙" not in page


def test_empty_and_oversized_queries_are_harmless(db):
    client = client_for(None)
    assert client.get("/community/search/").status_code == 200
    assert client.get("/community/search/", {"q": "长" * 5000}).status_code == 200

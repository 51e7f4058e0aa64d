"""Factories for the site-wide pages."""

import datetime

import factory
import wagtail_factories
from wagtail.rich_text import RichText

from portal.models import (
    HomePage,
    KnowledgeIndexPage,
    KnowledgePage,
    KnowledgeTopic,
    NewsCategory,
    NewsIndexPage,
    NewsPage,
    StandardPage,
)


def paragraph(html: str) -> list[tuple[str, RichText]]:
    """A StreamField body of one rich-text paragraph."""
    return [("paragraph", RichText(html))]


class HomePageFactory(wagtail_factories.PageFactory):
    title = "锦程银行"
    slug = factory.Sequence(lambda n: f"home-{n}")

    class Meta:
        model = HomePage


class StandardPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"关于我们{n}")
    slug = factory.Sequence(lambda n: f"standard-{n}")
    summary = "锦程银行简介。"
    body = factory.LazyFunction(lambda: paragraph("<p>以客户为中心。</p>"))

    class Meta:
        model = StandardPage


class NewsIndexPageFactory(wagtail_factories.PageFactory):
    title = "新闻公告"
    slug = "news"

    class Meta:
        model = NewsIndexPage


class NewsPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"系统升级维护公告{n}")
    slug = factory.Sequence(lambda n: f"news-{n}")
    date = factory.Sequence(lambda n: datetime.date(2026, 1, 1) + datetime.timedelta(days=n))
    category = NewsCategory.ANNOUNCEMENT
    summary = "系统升级期间暂停服务。"
    body = factory.LazyFunction(lambda: paragraph("<p>敬请谅解。</p>"))

    class Meta:
        model = NewsPage


class KnowledgeIndexPageFactory(wagtail_factories.PageFactory):
    title = "知识库"
    slug = "knowledge"

    class Meta:
        model = KnowledgeIndexPage


class KnowledgePageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"如何开通手机银行{n}？")
    slug = factory.Sequence(lambda n: f"question-{n}")
    topic = KnowledgeTopic.DIGITAL
    summary = "下载应用并注册。"
    body = factory.LazyFunction(lambda: paragraph("<p>在应用商店下载。</p>"))

    class Meta:
        model = KnowledgePage

"""The page tree editors can build, and the validation editors see on blocks."""

import pytest
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from portal.blocks import CallToActionBlock, LinkBlock, PromotionSlotBlock
from portal.models import (
    HomePage,
    KnowledgeIndexPage,
    KnowledgePage,
    NewsIndexPage,
    NewsPage,
    StandardPage,
)


class TestPageTree(WagtailPageTestCase):
    """Given the portal's page types, editors can only build a sensible tree."""

    def test_home_page_sits_at_the_root_once(self) -> None:
        self.assertAllowedParentPageTypes(HomePage, {Page})
        # Wagtail's migration already made a root child; the first HomePage is still allowed.
        root = Page.get_first_root_node()
        self.assertTrue(HomePage.can_create_at(root))
        root.add_child(instance=HomePage(title="首页", slug="home-once"))
        self.assertFalse(HomePage.can_create_at(root))

    def test_sections_go_under_the_home_page(self) -> None:
        self.assertCanCreateAt(HomePage, StandardPage)
        self.assertCanCreateAt(HomePage, NewsIndexPage)
        self.assertCanCreateAt(HomePage, KnowledgeIndexPage)
        self.assertCanCreateAt(StandardPage, StandardPage)

    def test_articles_go_only_under_their_index(self) -> None:
        self.assertAllowedParentPageTypes(NewsPage, {NewsIndexPage})
        self.assertAllowedParentPageTypes(KnowledgePage, {KnowledgeIndexPage})
        self.assertCanNotCreateAt(HomePage, NewsPage)
        self.assertCanNotCreateAt(HomePage, KnowledgePage)
        self.assertCanNotCreateAt(NewsIndexPage, KnowledgePage)
        self.assertCanNotCreateAt(StandardPage, NewsIndexPage)

    def test_articles_have_no_children(self) -> None:
        self.assertAllowedSubpageTypes(NewsPage, set())
        self.assertAllowedSubpageTypes(KnowledgePage, set())
        self.assertAllowedSubpageTypes(NewsIndexPage, {NewsPage})


def test_a_link_with_both_page_and_address_names_the_address_field(home_page: HomePage) -> None:
    # Given a menu link an editor filled with both a page and an address
    block = LinkBlock()
    value = block.to_python({"label": "新闻", "page": home_page.pk, "url": "/news/"})

    # When the block is validated
    with pytest.raises(StructBlockValidationError) as error:
        block.clean(value)

    # Then the error sits on the address field
    assert "url" in error.value.block_errors


def test_a_link_to_a_junk_address_is_refused() -> None:
    block = LinkBlock()
    value = block.to_python({"label": "社区", "page": None, "url": "javascript:alert(1)"})
    with pytest.raises(StructBlockValidationError) as error:
        block.clean(value)
    assert "url" in error.value.block_errors


def test_a_relative_link_is_accepted() -> None:
    block = LinkBlock()
    value = block.clean(block.to_python({"label": "社区", "page": None, "url": "/community/"}))
    assert value.href == "/community/"


def test_an_optional_call_to_action_may_stay_empty_but_a_started_one_needs_a_target() -> None:
    optional = CallToActionBlock(required=False)
    optional.clean(optional.to_python({"label": "", "page": None, "url": "", "style": "primary"}))

    with pytest.raises(StructBlockValidationError) as error:
        optional.clean(
            optional.to_python({"label": "立即申请", "page": None, "url": "", "style": "primary"})
        )
    assert "page" in error.value.block_errors


def test_a_promotion_slot_needs_a_placement() -> None:
    block = PromotionSlotBlock()
    with pytest.raises(StructBlockValidationError) as error:
        block.clean(block.to_python({"placement": None, "missing_slug": ""}))
    assert "placement" in error.value.block_errors

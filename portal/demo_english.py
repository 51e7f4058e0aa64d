"""English translations of the demo content, built with wagtail-localize (issue 12 item 8).

Runs after the Chinese demo (``seed_demo``): creates the English locale, then translates the
placements' default content, the creatives, the home page, the product catalogue, customer-group
and product pages, and the knowledge base. Each is translated the way an editor would in
wagtail-localize's translation editor: a translation source of the Chinese object, a translation
into English, and one string translation per segment (``portal.demo_english_text``), so the
editor shows them as translated and "Sync translated pages" keeps working. Idempotent: a second
run changes nothing that did not change in Chinese. Live campaigns are then published again so
that their creatives' English translations are pinned as approved, as compliance would.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, TextIO

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from wagtail.models import Locale, Page, Site
from wagtail_localize.models import (  # type: ignore[import-untyped]
    OverridableSegment,
    SegmentOverride,
    StringTranslation,
    Translation,
    TranslationSource,
)

from portal.demo_english_text import ENGLISH
from portal.models import SiteSettings
from targeting.models import Campaign, Creative, Placement
from targeting.snapshot import bump_version

ENGLISH_CODE = "en"

#: Page types translated into English, in an order where parents come before their children
#: (wagtail-localize copies untranslated parents otherwise) and the home page last, so its links
#: to product pages find their English translations.
PAGE_MODELS = [
    ("portal", "HomePage"),
    ("portal", "StandardPage"),
    ("portal", "NewsIndexPage"),
    ("portal", "NewsPage"),
    ("products", "ProductCataloguePage"),
    ("products", "ProductIndexPage"),
    ("products", "ProductPage"),
    ("portal", "KnowledgeIndexPage"),
    ("portal", "KnowledgePage"),
]


def english_locale() -> Locale:
    return Locale.objects.get_or_create(language_code=ENGLISH_CODE)[0]


def translate(instance: Any, locale: Locale, missing: set[str]) -> Any:
    """Translate ``instance`` into ``locale`` with the English text of each of its strings;
    strings without one are added to ``missing`` and stay as they are (wagtail-localize's
    fallback). Saves (and publishes) the translation only when something changed, so a second
    seed adds no revision. Returns the translated object."""
    before = (
        TranslationSource.objects.filter(
            object_id=instance.translation_key, locale_id=instance.locale_id
        )
        .values_list("content_json", flat=True)
        .first()
    )
    source, _created = TranslationSource.update_or_create_from_instance(instance)
    changed = before != source.content_json
    translation, created = Translation.objects.get_or_create(
        source=source, target_locale=locale, defaults={"enabled": True}
    )
    changed |= created
    for segment in source.stringsegment_set.select_related("string", "context"):
        text = segment.string.data
        english = ENGLISH.get(text)
        if english is None:
            if _needs_english(text):
                missing.add(text)
            continue
        row, created = StringTranslation.objects.get_or_create(
            translation_of=segment.string,
            locale=locale,
            context=segment.context,
            defaults={
                "data": english,
                "translation_type": StringTranslation.TRANSLATION_TYPE_MANUAL,
            },
        )
        if not created and row.data != english:
            row.data = english
            row.save()
            created = True
        changed |= created
    changed |= _point_page_links_at_translations(source, locale)
    try:
        target = source.get_translated_instance(locale)
    except ObjectDoesNotExist:
        target = None
    # Not "or not live": wagtail-localize publishes pages when the seed's transaction commits,
    # and an English page an editor took down stays down.
    if changed or target is None:
        is_page = isinstance(instance, Page)
        translation.save_target(publish=not is_page)
        target = source.get_translated_instance(locale)
        if is_page:
            # Published now rather than when the seed's transaction commits (wagtail-localize's
            # way): a revision published then would write back the page as it was before its
            # children were translated (numchild 0), hiding them from Wagtail's routing.
            target.get_latest_revision().publish()
            target = source.get_translated_instance(locale)
    return target


#: Names of the stream fields that choose a page (LinkBlock.page, product highlights' products).
PAGE_FIELDS = {"page", "products"}
_UUID_LENGTH = 36


def _point_page_links_at_translations(source: TranslationSource, locale: Locale) -> bool:
    """Where the source chooses a page that has a live translation in ``locale``, the
    translation links to that translation (an override, as an editor sets one in the translation
    editor); pages without one keep the source page. Whether an override changed."""
    segments = list(OverridableSegment.objects.filter(source=source).select_related("context"))
    names = {
        segment.pk: next(
            (
                part
                for part in reversed(segment.context.path.split("."))
                if len(part) != _UUID_LENGTH
            ),
            "",
        )
        for segment in segments
    }
    chosen = {
        segment.pk: segment.data
        for segment in segments
        if names[segment.pk] in PAGE_FIELDS and isinstance(segment.data, int)
    }
    translated = {
        page.pk: target.pk
        for page in Page.objects.filter(pk__in=set(chosen.values()))
        for target in [page.get_translation_or_none(locale)]
        # Drafts count: the translations made in this seed go live when its transaction commits.
        if target is not None
    }
    changed = False
    for segment in segments:
        target_pk = translated.get(chosen.get(segment.pk))
        if target_pk is None:
            continue
        data = json.dumps(target_pk)
        override, created = SegmentOverride.objects.get_or_create(
            locale=locale, context=segment.context, defaults={"data_json": data}
        )
        if not created and override.data_json != data:
            override.data_json = data
            override.save()
            created = True
        changed |= created
    return changed


def _needs_english(text: str) -> bool:
    """Whether a source string has Chinese in it (numbers, codes and URLs need no translation)."""
    return any("\u4e00" <= char <= "\u9fff" for char in text)


def _pages(default: Locale) -> Iterable[Page]:
    for app_label, model_name in PAGE_MODELS:
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError:
            continue
        # public(): a private page (a page variant, served only in its canonical page's place)
        # never becomes a public English page
        yield from model.objects.live().public().filter(locale=default).order_by("path")


#: Text fields of the site settings, translated as they are.
SETTINGS_TEXT = ["brand_name", "brand_tagline", "service_hours", "legal_text", "icp_number"]
#: Their stream fields: labels and headings translated, chosen pages swapped for translations.
SETTINGS_STREAMS = ["navigation", "footer_columns", "social_links"]
STREAM_TEXT_KEYS = {"label", "heading"}


def _english_stream(data: Any, locale: Locale, missing: set[str]) -> Any:
    """Stream data (JSON) with its labels in English and its pages in ``locale`` where they
    are translated; block ids dropped (the stream gives new ones)."""
    if isinstance(data, list):
        return [_english_stream(item, locale, missing) for item in data]
    if not isinstance(data, dict):
        return data
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key == "id":
            continue
        if key in STREAM_TEXT_KEYS and isinstance(value, str):
            out[key] = _english(value, missing)
        elif key == "page" and isinstance(value, int):
            page = Page.objects.filter(pk=value).first()
            target = page.get_translation_or_none(locale) if page is not None else None
            out[key] = target.pk if target is not None else value
        else:
            out[key] = _english_stream(value, locale, missing)
    return out


def _english(text: str, missing: set[str]) -> str:
    english = ENGLISH.get(text)
    if english is None:
        if _needs_english(text):
            missing.add(text)
        return text
    return english


def _without_ids(data: Any) -> Any:
    if isinstance(data, list):
        return [_without_ids(item) for item in data]
    if isinstance(data, dict):
        return {k: _without_ids(v) for k, v in data.items() if k != "id"}
    return data


def translate_site_settings(site: Site, locale: Locale, missing: set[str]) -> SiteSettings:
    """The site's settings in ``locale``: a row of their own (site settings are per language),
    made from the default language's with English text; saved only when it changed."""
    source = SiteSettings.objects.get(site=site, locale=Locale.get_default())
    row = SiteSettings.objects.filter(site=site, locale=locale).first() or SiteSettings(
        site=site, locale=locale, translation_key=source.translation_key
    )
    changed = row.pk is None
    for name in SETTINGS_TEXT:
        value = _english(getattr(source, name), missing)
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    row.hotline = source.hotline
    row.logo_id = source.logo_id
    for name in SETTINGS_STREAMS:
        stream = getattr(source, name)
        english = _english_stream(stream.stream_block.get_prep_value(stream), locale, missing)
        current = getattr(row, name)
        if _without_ids(current.stream_block.get_prep_value(current)) != english:
            setattr(row, name, english)
            changed = True
    if changed:
        row.save()
    return row


def _republish_campaigns() -> int:
    """Publish live campaigns again where their creatives' English translations are not pinned
    yet, as a compliance approval would; returns how many."""
    count = 0
    for campaign in Campaign.objects.filter(live=True):
        links = list(campaign.campaign_creatives.select_related("creative"))
        stale = any(
            ENGLISH_CODE not in (link.approved_translations or {})
            and link.creative.get_translations().filter(live=True).exists()
            for link in links
        )
        if stale and not campaign.has_unpublished_changes:
            campaign.save_revision().publish()
            count += 1
    return count


def seed(stdout: TextIO) -> None:
    default = Locale.get_default()
    english = english_locale()
    missing: set[str] = set()
    snippets = 0
    with transaction.atomic():
        for placement in Placement.objects.in_default_locale():
            translate(placement, english, missing)
            snippets += 1
        for creative in Creative.objects.filter(locale=default, live=True):
            translate(creative, english, missing)
            snippets += 1
        pages = 0
        home = None
        for page in _pages(default):
            translate(page, english, missing)
            pages += 1
            if page.depth == 2:
                home = page
        if home is not None:
            # Again, now that the pages it links to (product highlights) have translations.
            translate(home, english, missing)
        site = Site.objects.filter(is_default_site=True).first()
        if site is not None and SiteSettings.objects.filter(site=site).exists():
            translate_site_settings(site, english, missing)
        campaigns = _republish_campaigns()
    if campaigns:
        bump_version()
    stdout.write(
        f"english: {pages} pages and {snippets} placements and creatives translated, "
        f"{campaigns} campaigns approved again with their English creatives"
    )
    for text in sorted(missing):
        stdout.write(f"  no English text for: {text}")

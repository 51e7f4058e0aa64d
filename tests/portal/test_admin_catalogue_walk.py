"""What the marketer's and the editor's walks in zh-hans met in Wagtail's own words (issue 12).

The walk (create a creative and a campaign, submit it, approve it; translate a page) showed
English that the crawl of tests/portal/test_chinese_everywhere.py cannot see, because it appears
only after an action: "营销活动 '年末理财推广' has been submitted for moderation." after a
submission, "… created and published." after publishing a creative, "(1 error)" beside a tab
after a failed save, the locks and workflow notices of a campaign under review, the e-mails to
reviewers, the "another window" warnings, the keyboard shortcuts dialog. And three of our own
words changed the meaning of Wagtail's: the page explorer's menu "Pages" read 分页 (pagination),
a published page's status "Live" read 投放中 (running, a campaign's word) and the groups
listing's "Add group" read 添加条件组 (the rule editor's "add a condition group").
"""

from __future__ import annotations

import gettext as gettext_module
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

SITE = Path(polib.__file__).resolve().parent
WAGTAIL = SITE / "wagtail"
LOCALIZE = SITE / "wagtail_localize"
OURS = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"

#: Wagtail sources of the messages a marketer, a reviewer and an editor meet while editing,
#: submitting, approving, locking and scheduling snippets and pages (paths as Wagtail's
#: catalogues name them).
WALKED_SOURCES = (
    "views/generic/mixins.py",
    "views/generic/lock.py",
    "views/generic/workflow.py",
    "views/generic/base.py",
    "views/generic/models.py",
    "locks.py",
    "models/workflows.py",
    "wagtail_hooks.py",
    "templatetags/wagtailadmin_tags.py",
    "templates/wagtailadmin/generic/",
    "templates/wagtailadmin/home/",
    "templates/wagtailadmin/notifications/",
    "templates/wagtailadmin/panels/publishing/",
    "templates/wagtailadmin/shared/editing_sessions/",
    "templates/wagtailadmin/shared/side_panels/",
    "templates/wagtailadmin/shared/workflow_history/",
    "templates/wagtailadmin/shared/keyboard_shortcuts_dialog.html",
    "templates/wagtailadmin/shared/unsaved_changes_warning.html",
    "templates/wagtailadmin/shared/usage_summary.html",
    "templates/wagtailadmin/workflows/workflow_status.html",
    "templates/wagtailsnippets/",
)


def _walked(entry: polib.POEntry) -> bool:
    return any(
        path.startswith(source) or f"/{source}" in path
        for path, _line in entry.occurrences
        for source in WALKED_SOURCES
    )


def _english_entries(root: Path, domain: str) -> list[polib.POEntry]:
    entries = []
    for po in sorted(root.glob(f"**/locale/en/LC_MESSAGES/{domain}.po")):
        entries.extend(e for e in polib.pofile(str(po)) if not e.obsolete)
    return entries


def _in_chinese(entry: polib.POEntry) -> str:
    with translation.override("zh-hans"):
        if entry.msgid_plural:
            if entry.msgctxt:
                return translation.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, 2)
            return translation.ngettext(entry.msgid, entry.msgid_plural, 2)
        if entry.msgctxt:
            return translation.pgettext(entry.msgctxt, entry.msgid)
        return translation.gettext(entry.msgid)


def test_wagtails_messages_on_the_walk_speak_chinese():
    walked = [e for e in _english_entries(WAGTAIL, "django") if _walked(e)]
    assert len(walked) > 100  # the sources above still name Wagtail's files
    english = sorted({e.msgid for e in walked if _in_chinese(e) in (e.msgid, e.msgid_plural)})
    assert english == []


def _js_catalogue() -> gettext_module.NullTranslations:
    """zh-hans djangojs as the admin's /admin/jsi18n/ merges it: ours first, then Wagtail's and
    wagtail-localize's own."""
    catalogue: gettext_module.NullTranslations = gettext_module.NullTranslations()
    paths = [OURS / "djangojs.mo"]
    paths += sorted(WAGTAIL.glob("**/locale/zh_Hans/LC_MESSAGES/djangojs.mo"))
    paths += sorted(LOCALIZE.glob("**/locale/zh_Hans/LC_MESSAGES/djangojs.mo"))
    for path in paths:
        with path.open("rb") as handle:
            found = gettext_module.GNUTranslations(handle)
        if isinstance(catalogue, gettext_module.GNUTranslations):
            catalogue.add_fallback(found)
        else:
            catalogue = found
    return catalogue


def test_the_admins_scripts_speak_chinese():
    """Wagtail's admin scripts (the tab's error count) and wagtail-localize's translation editor."""
    catalogue = _js_catalogue()
    english = []
    for entry in _english_entries(WAGTAIL / "admin", "djangojs"):
        if entry.msgid_plural:
            said = catalogue.ngettext(entry.msgid, entry.msgid_plural, 2)
        else:
            said = catalogue.gettext(entry.msgid)
        if said in (entry.msgid, entry.msgid_plural):
            english.append(entry.msgid)
    bundle = (LOCALIZE / "static/wagtail_localize/js/wagtail-localize.js").read_text()
    for msgid in set(re.findall(r'rt\(\)\("([^"]+)"\)', bundle)):
        if catalogue.gettext(msgid) == msgid:
            english.append(msgid)
    assert sorted(english) == []
    assert catalogue.ngettext("%(num)s error", "%(num)s errors", 1) == "%(num)s 个错误"


@pytest.mark.parametrize(
    ("msgid", "wagtails"),
    [("Pages", "页面"), ("Live", "发布"), ("Add group", "添加组")],
)
def test_our_words_leave_wagtails_meaning_alone(msgid, wagtails):
    with translation.override("zh-hans"):
        assert translation.gettext(msgid) == wagtails


@pytest.mark.parametrize(
    ("context", "msgid", "ours"),
    [
        ("pagination", "Pages", "分页"),
        ("campaign status", "Live", "投放中"),
        ("rule editor", "Add group", "添加条件组"),
    ],
)
def test_our_own_uses_keep_their_words(context, msgid, ours):
    with translation.override("zh-hans"):
        assert translation.pgettext(context, msgid) == ours

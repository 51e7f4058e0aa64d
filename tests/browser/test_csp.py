"""The Content-Security-Policy in a real browser: public pages, the complaint form, the Markdown
preview and the admin rule editor run with no violation, and inline script is really blocked."""

from __future__ import annotations

import importlib
import io

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from wagtail.models import Page, Site

pytestmark = [pytest.mark.browser, pytest.mark.urls("tests.browser.urls")]

DEMO_MODULES = ["portal.demo", "products.demo", "targeting.demo", "community.demo"]

# Installed before any script of each document: every violation the browser reports is kept.
LISTEN_FOR_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(
    event.effectiveDirective + " blocked " + (event.blockedURI || "inline") +
    " at " + event.sourceFile + ":" + event.lineNumber
  );
});
"""


class PolicyWatch:
    """One browser context whose pages report CSP violations (event listener and console)."""

    def __init__(self, browser, base: str, user=None) -> None:
        self.base = base
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        if user is not None:
            # A real session for the user, without going through a login form.
            client = Client()
            client.force_login(user)
            session = client.cookies[settings.SESSION_COOKIE_NAME].value
            self.context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base}]
            )
        self.context.add_init_script(LISTEN_FOR_VIOLATIONS)
        self.page = self.context.new_page()
        self.console: list[str] = []
        self.page.on("console", self._on_console)
        self.problems: list[str] = []

    def _on_console(self, message) -> None:
        if "Content Security Policy" in message.text:
            self.console.append(message.text)

    def open(self, path: str) -> None:
        response = self.page.goto(self.base + path, wait_until="networkidle")
        assert response is not None and response.status == 200, path

    def collect(self, label: str) -> list[str]:
        """The violations of the current page so far, remembered under ``label``."""
        found = self.page.evaluate("window.__cspViolations.splice(0)") + self.console
        self.console = []
        self.problems += [f"{label}: {violation}" for violation in found]
        return found

    def visit(self, path: str) -> None:
        self.open(path)
        self.collect(path)


def seed_demo() -> None:
    for name in DEMO_MODULES:
        importlib.import_module(name).seed(io.StringIO())


def product_page_path() -> str:
    for page in Page.objects.live().specific().order_by("path"):
        if type(page).__name__ == "ProductPage":
            return page.url
    raise AssertionError("the demo has no product page")


@pytest.mark.django_db(transaction=True)
def test_pages_and_the_rule_editor_run_without_csp_violations(browser, live_server) -> None:
    # Given the demo portal, a customer and a marketer with the admin
    from community.models import CommunitySettings, Topic

    seed_demo()
    levels = CommunitySettings.load()
    levels.posts_needing_approval = 0
    levels.save()
    users = get_user_model().objects
    customer = users.create_user("xiaoming", "xm@example.cn", "Pass-2026-word")
    staff = users.create_superuser("shichang", "sc@example.cn", "Pass-2026-word")
    topic = Topic.objects.order_by("pk").first()

    # When an anonymous visitor reads the home page, a product, the community and a topic
    visitor = PolicyWatch(browser, live_server.url)
    for path in ["/", product_page_path(), "/community/", topic.get_absolute_url()]:
        visitor.visit(path)
    visitor.visit("/admin/login/")

    # Then the policy is really enforced: an inline script injected into the page never runs,
    # and the browser reports it (so a silent listener cannot pass this test)
    visitor.open("/")
    ran = visitor.page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.__inlineRan = true;";
            document.body.appendChild(script);
            return window.__inlineRan === true;
        }"""
    )
    assert ran is False
    visitor.page.wait_for_function("window.__cspViolations.length > 0")
    assert any("script-src" in v for v in visitor.page.evaluate("window.__cspViolations"))
    visitor.page.evaluate("window.__cspViolations.splice(0)")
    visitor.console = []

    # When a signed-in customer previews a reply and opens the complaint form
    member = PolicyWatch(browser, live_server.url, customer)
    member.open(topic.get_absolute_url())
    member.page.fill("textarea[name=body]", "年费 **300 元**")
    member.page.locator('button[name="preview"]').click()
    member.page.locator("[data-preview-target] strong").wait_for()
    member.collect("reply preview")
    member.visit("/community/complaints/new/")

    # And a marketer builds an audience in the admin rule editor and estimates it
    marketer = PolicyWatch(browser, live_server.url, staff)
    marketer.visit("/admin/")
    marketer.open("/admin/snippets/targeting/segment/add/")
    editor = marketer.page.locator("[data-rule-editor][data-ready]")
    editor.wait_for()
    editor.locator(".rule-editor__adders button").first.click()
    assert editor.locator(".rule-editor__condition").count() == 1
    editor.locator("[data-rule-json-toggle]").click()
    assert '"attr"' in editor.locator("textarea").input_value()
    editor.locator("[data-rule-estimate]").click()
    result = editor.locator("[data-rule-estimate-result]")
    marketer.page.wait_for_function(
        "el => el.textContent && !el.textContent.endsWith('…')", arg=result.element_handle()
    )
    marketer.collect("rule editor")
    # And opens the home page in the page editor (Wagtail's own scripts, the admin policy)
    home = Site.objects.get(is_default_site=True).root_page
    marketer.visit(f"/admin/pages/{home.pk}/edit/")

    # Then no page reported a single violation
    problems = visitor.problems + member.problems + marketer.problems
    assert not problems, "\n".join(problems)

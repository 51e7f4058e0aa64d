"""Site-wide views: search, robots.txt, health check and the error pages."""

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from portal.paging import page_of
from portal.search import clean_query, search_pages


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """Portal search over pages and products: see portal.search for how Chinese is matched."""
    query = clean_query(request.GET.get("q"))
    hits = search_pages(query) if query else []
    page_obj = page_of(hits, request.GET.get("page"), per_page=10)
    return TemplateResponse(
        request,
        "portal/search.html",
        {"search_query": query, "page_obj": page_obj, "result_count": len(hits)},
    )


@require_GET
@cache_control(max_age=3600, public=True)
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Crawl rules: pages yes, admin, API and search results no; where the sitemap is."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /django-admin/",
        "Disallow: /api/",
        "Disallow: /search/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability for load balancers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception:
        database = "unavailable"
    status = 200 if database == "ok" else 503
    return JsonResponse(
        {"status": "ok" if status == 200 else "degraded", "database": database}, status=status
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The portal-styled 404 page, with search and a way home."""
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """The standalone 500 page: no request context, no database (they may be what failed)."""
    # Rendered without a request context: the failure may be in a context processor.
    from django.template import loader

    template = loader.get_template("500.html")
    # The page's one inline <style> carries the Content-Security-Policy nonce (portal/csp.py).
    context = {
        "site_name": settings.WAGTAIL_SITE_NAME,
        "CSP_NONCE": getattr(request, "csp_nonce", ""),
    }
    return HttpResponse(template.render(context), status=500)

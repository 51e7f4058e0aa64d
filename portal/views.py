"""Site-wide views: search, robots.txt, health check and the error pages."""

from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from wagtail.models import Page

from portal.search import search_pages

SEARCH_QUERY_MAX_LENGTH = 100


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """Portal search over pages and products (Wagtail search; PostgreSQL full text there)."""
    query = (request.GET.get("q") or "").strip()[:SEARCH_QUERY_MAX_LENGTH]
    results = search_pages(query) if query else Page.objects.none()
    paginator = Paginator(results, 10)
    try:
        page_obj = paginator.page(request.GET.get("page", 1))
    except PageNotAnInteger:
        page_obj = paginator.page(1)
    except EmptyPage:
        page_obj = paginator.page(paginator.num_pages)
    return TemplateResponse(
        request,
        "portal/search.html",
        {"search_query": query, "page_obj": page_obj, "result_count": paginator.count},
    )


@require_GET
@cache_control(max_age=3600, public=True)
def robots_txt(request: HttpRequest) -> HttpResponse:
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
    except Exception:  # noqa: BLE001 - a health check reports, it does not raise
        database = "unavailable"
    status = 200 if database == "ok" else 503
    return JsonResponse({"status": "ok" if status == 200 else "degraded", "database": database},
                        status=status)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered without a request context: the failure may be in a context processor.
    from django.template import loader

    template = loader.get_template("500.html")
    return HttpResponse(template.render({"site_name": settings.WAGTAIL_SITE_NAME}), status=500)

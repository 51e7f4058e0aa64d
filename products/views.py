"""Product views outside the page tree: the side-by-side comparison."""

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from products.comparison import MAX_PRODUCTS, ComparisonError, build_comparison, parse_product_ids


@require_GET
def compare(request: HttpRequest) -> HttpResponse:
    """Compare two to four products of one type: /products/compare/?ids=1,2,3."""
    comparison = None
    error = ""
    try:
        comparison = build_comparison(parse_product_ids(request.GET.getlist("ids")))
    except ComparisonError as exc:
        error = str(exc)
    return TemplateResponse(
        request,
        "products/compare.html",
        {"comparison": comparison, "error": error, "max_products": MAX_PRODUCTS},
    )

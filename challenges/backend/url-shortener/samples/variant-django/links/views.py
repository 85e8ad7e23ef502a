"""JSON views for /shorten, without Django REST framework."""

import json
from urllib.parse import urlsplit

from django.db.models import F
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_http_methods

from links.models import ShortLink


class BadInput(ValueError):
    pass


def parse_url(request: HttpRequest) -> str:
    try:
        payload = json.loads(request.body or b"null")
    except ValueError:
        raise BadInput("the body is not JSON") from None
    url = payload.get("url") if isinstance(payload, dict) else None
    if not isinstance(url, str):
        raise BadInput("`url` (a string) is required")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or url != url.strip():
        raise BadInput("`url` must be an absolute http(s) URL")
    return url


def error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


@require_http_methods(["POST"])
def collection(request: HttpRequest) -> HttpResponse:
    try:
        url = parse_url(request)
    except BadInput as exc:
        return error(str(exc), 400)
    return JsonResponse(ShortLink.objects.create(url=url).as_dict(), status=201)


@require_http_methods(["GET", "PUT", "DELETE"])
def item(request: HttpRequest, code: str) -> HttpResponse:
    links = ShortLink.objects.filter(short_code=code)
    if request.method == "GET":
        links.update(access_count=F("access_count") + 1)
    link = links.first()
    if link is None:
        return error("short URL not found", 404)
    if request.method == "DELETE":
        link.delete()
        return HttpResponse(status=204)
    if request.method == "PUT":
        try:
            link.url = parse_url(request)
        except BadInput as exc:
            return error(str(exc), 400)
        link.save(update_fields=["url", "updated_at"])
    return JsonResponse(link.as_dict())


@require_http_methods(["GET"])
def stats(request: HttpRequest, code: str) -> HttpResponse:
    link = ShortLink.objects.filter(short_code=code).first()
    if link is None:
        return error("short URL not found", 404)
    return JsonResponse(link.as_dict(stats=True))

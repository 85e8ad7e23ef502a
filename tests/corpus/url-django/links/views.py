import json

from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from links import store


def _url(request):
    try:
        return store.valid_url(json.loads(request.body or b"null"))
    except ValueError:
        return None


def _missing():
    return JsonResponse({"error": "not found"}, status=404)


@csrf_exempt
def create(request):
    if request.method != "POST":
        return JsonResponse({"error": "method"}, status=405)
    url = _url(request)
    if url is None:
        return JsonResponse({"error": "bad url"}, status=400)
    return JsonResponse(store.as_json(store.create(url)), status=201)


@csrf_exempt
def one(request, code):
    if request.method == "GET":
        row = store.visit(code)
        return _missing() if row is None else JsonResponse(store.as_json(row))
    if request.method == "PUT":
        url = _url(request)
        if url is None:
            return JsonResponse({"error": "bad url"}, status=400)
        row = store.change(code, url)
        return _missing() if row is None else JsonResponse(store.as_json(row))
    if request.method == "DELETE":
        return HttpResponse(status=204) if store.remove(code) else _missing()
    return JsonResponse({"error": "method"}, status=405)


def stats(request, code):
    row = store.find(code)
    return _missing() if row is None else JsonResponse(store.as_json(row, stats=True))

"""Custom views of the test project, written as in an oTree 3 project with `django.` imports changed."""

from starlette.endpoints import HTTPEndpoint
from starlette.responses import PlainTextResponse

from otree.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse, admin_required, render
from otree.urls import include, path, re_path, urlpatterns

from market import Player


def my_view(request):
    return HttpResponse('This is a custom view')


async def async_view(request):
    return JsonResponse({'view': 'async', 'q': request.GET.get('q'), 'method': request.method,
                         'path': request.path, 'cookie': request.COOKIES.get('flavour')})


def converters(request, n, s, u, rest):
    return JsonResponse({'n': n, 'n_type': type(n).__name__, 's': s, 'u': str(u), 'u_type': type(u).__name__,
                         'rest': rest})


def hello(request, name):
    return HttpResponse(f'Hello {name}', content_type='text/plain')


def archive(request, year):
    return JsonResponse({'year': year})


def set_note(request, pk):
    players = Player.filter(id=pk)
    if not players:
        raise Http404(f'No player {pk}')
    if request.method == 'POST':
        players[0].note = request.POST['note']  # saved without .save()
        return HttpResponseRedirect(f'/player/{pk}/note/')
    return JsonResponse({'id': pk, 'note': players[0].note})


def missing(request):
    raise Http404('Nothing here')


@admin_required
def dashboard(request):
    players = [p for p in Player.filter() if p.field_maybe_none('bid') is not None]
    return render(request, 'market_ext/Dashboard.html',
                  {'players': players, 'title': 'Market dashboard', 'total': sum(p.bid for p in players)})


class Status(HTTPEndpoint):
    async def get(self, request):
        return PlainTextResponse('status: ok')


async def raw_asgi(scope, receive, send):
    await send({'type': 'http.response.start', 'status': 200, 'headers': [(b'content-type', b'text/plain')]})
    await send({'type': 'http.response.body', 'body': b'raw asgi'})


def ping(request):
    return JsonResponse({'pong': True})


urlpatterns.append(path('my_view/', my_view))
urlpatterns += [
    path('async_view/', async_view),
    path('convert/<int:n>/<slug:s>/<uuid:u>/<path:rest>', converters),
    path('hello/<str:name>/', hello),
    re_path(r'^archive/(?P<year>[0-9]{4})/$', archive),
    path('player/<int:pk>/note/', set_note),
    path('missing/', missing),
    path('dashboard/', dashboard, name='dashboard'),
    path('status/', Status),
    path('raw/', raw_asgi),
    path('api/', include([path('ping/', ping)])),
    # Comes after the framework's /demo, so it never shadows it.
    path('demo', my_view),
]

"""The candidate side of ``functions``: source text run with ``python3 -c`` as the candidate.

It keeps the protocol on private copies of stdin/stdout, then points fd 0 at /dev/null and
fd 1 at stderr, so the candidate's prints and ``input()`` never touch the protocol. Results
cross as strict JSON (no ``default=``): an object that "equals everything" arrives as plain
data, and anything JSON cannot carry is reported, not smuggled. A forked child of candidate
code never answers: only the process that received the request replies.
"""

SHIM_SOURCE = r"""
import json, os, sys

def _describe(exc):
    try:
        text = str(exc)
    except Exception:
        text = '<unprintable>'
    return {'ok': False, 'type': type(exc).__name__, 'error': text[:2000]}

def _encode(ident, value):
    try:
        return json.dumps({'id': ident, 'ok': True, 'value': value})
    except (TypeError, ValueError, RecursionError) as exc:
        text = str(exc)
        name = text.split('Object of type ', 1)[-1].split(' is not', 1)[0]
        if not text.startswith('Object of type '):
            name = type(value).__name__
        return json.dumps({'id': ident, 'ok': False, 'type': '', 'not_json': name})

def _main():
    module_name, deps = sys.argv[1], sys.argv[2]
    requests = os.fdopen(os.dup(0), 'r', encoding='utf-8')
    replies = os.fdopen(os.dup(1), 'w', encoding='utf-8')
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    os.dup2(2, 1)
    sys.path[:0] = [os.getcwd(), deps]
    import importlib, site
    site.addsitedir(deps)
    for system in site.getsitepackages():  # the image's packages, after the candidate's own
        site.addsitedir(system)
    pid = os.getpid()

    def reply(text):
        if os.getpid() != pid:
            os._exit(0)
        replies.write(text + '\n')
        replies.flush()

    try:
        module = importlib.import_module(module_name)
    except BaseException as exc:
        reply(json.dumps(dict(_describe(exc), id=0)))
        return
    reply(json.dumps({'id': 0, 'ok': True}))
    for line in requests:
        request = json.loads(line)
        ident, name = request['id'], request['name']
        func = getattr(module, name, None)
        if not callable(func):
            error = f'{module_name} has no function {name!r}'
            reply(json.dumps({'id': ident, 'ok': False, 'type': 'AttributeError', 'error': error}))
            continue
        try:
            value = func(*request['args'], **request['kwargs'])
        except BaseException as exc:
            reply(json.dumps(dict(_describe(exc), id=ident)))
            continue
        reply(_encode(ident, value))

_main()
"""

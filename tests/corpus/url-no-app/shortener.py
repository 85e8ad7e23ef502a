import secrets


def shorten(url):
    return secrets.token_urlsafe(5)

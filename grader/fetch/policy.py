"""Which repository URLs the grader fetches, decided before any network access.

A URL is accepted only when it is a plain ``http(s)://host[:port]/owner/repo`` URL whose
normalised form (lowercased scheme and host, explicit port) starts with a prefix from
``settings.repo_allowlist``. Everything git would treat specially is refused up front:
local paths, ``file://``, ``ext::`` and other remote helpers, ssh and scp-like
``git@host:path``, ``git://``, leading dashes, whitespace and control characters,
credentials or other userinfo, query strings and fragments, percent escapes, ``..``
segments, and IP addresses in any spelling (decimal, octal, hex, IPv6, IPv4-mapped) unless
an allowlist prefix names exactly that scheme, address and port (how the loopback test and
demo server are allowed). Allowlisted host names are never resolved here.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass

from grader.errors import ConfigError, UrlPolicyError
from grader.settings import Settings

_MAX_URL_LENGTH = 2048
_DEFAULT_PORTS = {"https": 443, "http": 80}
_SEGMENT = re.compile(r"[A-Za-z0-9._~-]+")
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HOSTNAME = re.compile(rf"{_LABEL}(?:\.{_LABEL})*")
_NUMERIC_HOST = re.compile(r"(?:0x[0-9a-f]*|[0-9]+)(?:\.(?:0x[0-9a-f]*|[0-9]+))*\.?")
_PORT = re.compile(r"[0-9]{1,5}")
_HELPER_SYNTAX = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*::")
_SCP_LIKE = re.compile(r"^(?:[^/@:]+@)?([^/@:]+):(.*)$")
_USERINFO = re.compile(r"(?<=://)[^/?#\s]*@")
_BARE_HOST = re.compile(r"^[a-z0-9-]+(?:\.[a-z0-9-]+)+/[^/]", re.IGNORECASE)
_BROKEN_SCHEME = re.compile(r"^(https?)(?::/?|//?)(?!/)", re.IGNORECASE)


def redact(url: str) -> str:
    """Hide any userinfo: ``https://user:token@host/x`` becomes ``https://***@host/x``."""
    return _USERINFO.sub("***@", url)


@dataclass(frozen=True, slots=True)
class _Url:
    scheme: str
    host: str  # lowercased; IPv6 in brackets, compressed
    port: int
    segments: tuple[str, ...]
    is_ip: bool

    @property
    def origin(self) -> tuple[str, str, int]:
        return self.scheme, self.host, self.port

    def display(self) -> str:
        port = "" if _DEFAULT_PORTS[self.scheme] == self.port else f":{self.port}"
        return f"{self.scheme}://{self.host}{port}/" + "/".join(self.segments)

    def starts_with(self, prefix: _Url) -> bool:
        size = len(prefix.segments)
        return self.origin == prefix.origin and self.segments[:size] == prefix.segments


def check_url(url: str, settings: Settings) -> str:
    """Return the normalised URL, or raise :class:`UrlPolicyError` saying what to change."""
    return check_url_against(url, settings.repo_allowlist)


def check_url_against(url: str, allowlist: Iterable[str]) -> str:
    prefixes = [_parse_prefix(prefix) for prefix in allowlist]
    hint = _hint(prefixes)
    _check_characters(url, hint)
    _check_scheme(url, hint)
    parsed = _parse(url, hint)
    if parsed.is_ip and not any(parsed.origin == p.origin for p in prefixes):
        raise _ip_refused(url, parsed, hint)
    for prefix in prefixes:
        if parsed.starts_with(prefix):
            _check_repo_path(url, parsed, prefix, hint)
            return parsed.display()
    if parsed.scheme == "http" and any(p.host == parsed.host for p in prefixes):
        raise _refuse(url, "plain http is not allowed; use https", hint)
    raise _refuse(url, f"{parsed.host} is not an allowed git host", hint)


def _hint(prefixes: list[_Url]) -> str:
    if not prefixes:
        return "no repository host is allowed: set GRADER_REPO_ALLOWLIST"
    forges = [p for p in prefixes if p.scheme == "https" and not p.is_ip] or prefixes
    hosts = ", ".join(dict.fromkeys(p.host for p in forges))
    first = forges[0]
    rest = "<repo>" if first.segments or first.is_ip else "<owner>/<repo>"
    example = first.display().rstrip("/") + "/" + rest
    return f"use the {first.scheme} URL of a public repository on {hosts}, e.g. {example}"


def _show(url: str) -> str:
    """The URL as it may appear in a message: credentials hidden, escapes visible, short."""
    shown = redact(url).encode("ascii", "backslashreplace").decode("ascii")
    shown = "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in shown)
    return shown if len(shown) <= 120 else shown[:117] + "..."


def _refuse(url: str, reason: str, hint: str) -> UrlPolicyError:
    return UrlPolicyError(f"repository URL {_show(url)!r} refused: {reason}", hint=hint)


def _check_characters(url: str, hint: str) -> None:
    if not url:
        raise UrlPolicyError("the repository URL is empty", hint=hint)
    if len(url) > _MAX_URL_LENGTH:
        raise _refuse(url, f"longer than {_MAX_URL_LENGTH} characters", hint)
    if url.startswith("-"):
        raise _refuse(url, "it starts with '-'", hint)
    if not url.isascii():
        raise _refuse(url, "it contains non-ASCII characters", hint)
    if any(ch.isspace() or not ch.isprintable() for ch in url):
        raise _refuse(url, "it contains spaces or control characters", hint)
    for char, what in (("\\", "backslashes"), ("%", "percent-escapes")):
        if char in url:
            raise _refuse(url, f"it contains {what}", hint)
    if "?" in url or "#" in url:
        raise _refuse(url, "remove the ?query or #fragment", hint)


def _check_scheme(url: str, hint: str) -> None:
    if _HELPER_SYNTAX.match(url):
        raise _refuse(url, "git remote-helper syntax ('<transport>::') is not allowed", hint)
    if "://" not in url:
        scp = _SCP_LIKE.match(url)
        if scp and "." in scp.group(1):
            https = f"https://{scp.group(1).lower()}/{scp.group(2).removesuffix('/')}"
            raise _refuse(url, f"ssh is not supported; use {_show(https)}", hint)
        raise _refuse(
            url, _typo(url) or "it is not an http(s) URL (local paths are not allowed)", hint
        )
    scheme = url.split("://", 1)[0].lower()
    reasons = {
        "file": "local files are not allowed",
        "git": "the unauthenticated git:// protocol is not supported",
        "ssh": "ssh is not supported",
    }
    if scheme not in _DEFAULT_PORTS:
        raise _refuse(url, reasons.get(scheme, f"the {scheme!r} scheme is not supported"), hint)


def _typo(url: str) -> str:
    """For a URL without a working scheme: what it most likely meant, in a sentence."""
    broken = _BROKEN_SCHEME.match(url)
    if broken:
        fixed = f"{broken.group(1).lower()}://{url[broken.end() :]}"
        return f"the scheme is misspelt; did you mean {_show(fixed)!r}?"
    if _BARE_HOST.match(url):
        return f"the scheme is missing; did you mean {_show('https://' + url)!r}?"
    return ""


def _parse(url: str, hint: str) -> _Url:
    scheme, rest = url.split("://", 1)
    authority, _, path = rest.partition("/")
    if "@" in authority:
        raise _refuse(url, "remove the user name or credentials before '@'", hint)
    host, port, is_ip = _parse_authority(url, authority.lower(), scheme.lower(), hint)
    segments = path.removesuffix("/").split("/") if path.removesuffix("/") else []
    for segment in segments:
        if segment in {".", ".."} or not _SEGMENT.fullmatch(segment):
            raise _refuse(url, f"path segment {segment!r} is not allowed", hint)
    return _Url(scheme.lower(), host, port, tuple(segments), is_ip)


def _parse_authority(url: str, authority: str, scheme: str, hint: str) -> tuple[str, int, bool]:
    if authority.startswith("["):
        inner, bracket, after = authority[1:].partition("]")
        if not bracket or (after and not after.startswith(":")):
            raise _refuse(url, "malformed IPv6 address", hint)
        host, port_text = f"[{_ipv6(url, inner, hint).compressed}]", after.removeprefix(":")
        is_ip = True
    else:
        host, _, port_text = authority.partition(":")
        is_ip = bool(_NUMERIC_HOST.fullmatch(host))
        if is_ip:
            host = _ipv4(url, host, hint)
        elif not _HOSTNAME.fullmatch(host):
            raise _refuse(url, f"{host!r} is not a valid host name", hint)
    port = _DEFAULT_PORTS[scheme]
    if port_text or authority.endswith(":"):
        if not _PORT.fullmatch(port_text) or not 0 < int(port_text) < 65536:
            raise _refuse(url, f"port {port_text!r} is not valid", hint)
        port = int(port_text)
    return host, port, is_ip


def _ipv6(url: str, text: str, hint: str) -> ipaddress.IPv6Address:
    try:
        return ipaddress.IPv6Address(text)
    except ValueError:
        raise _refuse(url, "malformed IPv6 address", hint) from None


def _ipv4(url: str, text: str, hint: str) -> str:
    """Accept only canonical dotted quads; decimal, octal, hex and short forms are refused."""
    try:
        canonical = str(ipaddress.IPv4Address(text))
    except ValueError:
        canonical = ""
    if canonical != text:
        raise _refuse(
            url, "write IP addresses as four decimal numbers, or better a host name", hint
        )
    return canonical


def _ip_refused(url: str, parsed: _Url, hint: str) -> UrlPolicyError:
    address = ipaddress.ip_address(parsed.host.strip("[]"))
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if not address.is_global:
        return _refuse(url, "private, loopback and reserved addresses are not allowed", hint)
    return _refuse(url, "IP addresses are not allowed; use the forge's host name", hint)


def _check_repo_path(url: str, parsed: _Url, prefix: _Url, hint: str) -> None:
    """The path must go on past the prefix and name a repository: ``owner/repo`` on a named
    host; a server allowlisted by its IP address (the loopback demo) may serve at its root."""
    needed = 1 if parsed.is_ip else 2
    if len(parsed.segments) <= len(prefix.segments) or len(parsed.segments) < needed:
        raise _refuse(url, "it does not name a repository (expected <owner>/<repo>)", hint)


def _parse_prefix(prefix: str) -> _Url:
    try:
        return _parse(prefix, hint="")
    except UrlPolicyError as exc:
        msg = f"allowlist prefix {_show(prefix)!r} is not a valid URL prefix: {exc.message}"
        raise ConfigError(msg, hint="fix GRADER_REPO_ALLOWLIST") from exc

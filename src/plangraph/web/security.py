"""Security headers on every answer: what a browser may do with the server's pages.

* ``X-Content-Type-Options: nosniff``: an answer is read as the type it says it is;
* ``Content-Security-Policy``: scripts, styles, images and connections from this server only
  (and inline scripts only by hash: the SPARQL editor's one), no plugins, no ``<base>``, forms
  to this server, no framing by other sites (``frame-ancestors``, and ``X-Frame-Options`` for
  browsers that predate it);
* ``Referrer-Policy: strict-origin-when-cross-origin``: a link out does not carry the query.

A header the route set itself is kept.
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send


def content_security_policy(script_hashes: Iterable[str] = ()) -> str:
    """The policy: this server's own resources, and the inline scripts of ``script_hashes``
    (CSP sources such as ``'sha256-…'``). Styles may be inline (every page has its own
    ``<style>``; YASGUI sets style attributes)."""
    scripts = " ".join(["'self'", *script_hashes])
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {scripts}",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


class SecurityHeaders:
    """ASGI middleware that adds the security headers to every HTTP answer."""

    def __init__(self, app: ASGIApp, script_hashes: Iterable[str] = ()) -> None:
        self.app = app
        self.headers = [
            (b"x-content-type-options", b"nosniff"),
            (b"content-security-policy", content_security_policy(script_hashes).encode()),
            (b"x-frame-options", b"DENY"),
            (b"referrer-policy", b"strict-origin-when-cross-origin"),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(n, v) for n, v in self.headers if n not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)

"""The pages' one inline style, which a Content Security Policy allows by its hash."""

from __future__ import annotations

import base64
import hashlib
import re

from plangraph.web import layout
from tests.support.server import Server


def test_every_page_has_one_inline_style_the_policy_source_names_and_no_script(
    bergen_app: Server,
) -> None:
    with bergen_app.client() as client:
        for path in ("/", "/plans", "/plans/under-way", "/sdg", "/id/4601/plan-skyfritt"):
            html = client.get(path, headers={"Accept": "text/html"}).text
            styles = re.findall(r"<style>(.*?)</style>", html, re.S)
            assert len(styles) == 1, path
            digest = hashlib.sha256(styles[0].encode("utf-8")).digest()
            assert f"'sha256-{base64.b64encode(digest).decode()}'" == layout.STYLE_SOURCE
            assert "<script" not in html and " style=" not in html, path

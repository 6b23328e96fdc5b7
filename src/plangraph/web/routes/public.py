"""The public pages' routers, for the app to include (before the Linked Data router, so that
a plan's ``/id/….json`` reaches its page's twin)."""

from __future__ import annotations

from fastapi import APIRouter

from plangraph.web.routes import feeds, pages, plan_page, plans, sdg

ROUTERS: tuple[APIRouter, ...] = (
    pages.router,
    plans.router,
    feeds.router,
    sdg.router,
    plan_page.router,
)

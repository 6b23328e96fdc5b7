"""``/sdg``: the SDG coverage heatmap."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()

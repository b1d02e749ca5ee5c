"""The seed system's answer keys, sent beside ours so its clients keep working: counts and one result per creative,
read from a RunSummary (as a dict: a run's answer or a job's stored summary)."""

from __future__ import annotations

from typing import Any

SEED_KEYS = ("total_variants", "assets_reused", "new_generations", "results")


def seed_keys(summary: dict[str, Any]) -> dict[str, Any]:
    """``total_variants`` (every creative of the run), ``assets_reused`` / ``new_generations`` (heroes reused /
    generated), ``results``: per creative its product, ratio (``1x1``), file, whether it was reused, whether it was
    made and why not."""
    variants = [v for v in summary.get("variants", []) if isinstance(v, dict)]
    return {
        "total_variants": summary.get("variants_total", len(variants)),
        "assets_reused": summary.get("heroes_reused", 0),
        "new_generations": summary.get("heroes_generated", 0),
        "results": [
            {
                "product_id": v.get("product_id"),
                "ratio": v.get("aspect_ratio"),
                "path": v.get("file_path"),
                "reused": bool(v.get("reused")),
                "success": v.get("status") == "ok",
                "error": v.get("reason"),
            }
            for v in variants
        ],
    }


def no_seed_keys() -> dict[str, Any]:
    """The seed keys of a job without a summary yet."""
    return dict.fromkeys(SEED_KEYS)

"""The checks a brief passes before any front door takes it, the checks of ``creative-ai validate``: the brief's
shape, its assets (found, readable, not too large), its copy against the legal rules, fonts for every locale's
script, the copy fitting every ratio. A brief that passes can be made whole; one that does not is refused with
every reason, before a job exists."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from creative_ai.brief import CampaignBrief, parse_brief, read_brief_file
from creative_ai.config import Settings
from creative_ai.errors import InputError
from creative_ai.jobs.outcome import confined_brief
from creative_ai.pipeline.plan import CampaignPlan, plan_campaign


@dataclass(frozen=True)
class Blocked:
    variant: str
    product_id: str
    locale: str
    aspect_ratio: str
    reason: str


def preflight(brief: CampaignBrief, settings: Settings) -> tuple[CampaignPlan, list[Blocked]]:
    """The plan of ``brief`` and the creatives it cannot make as written; InputError for a brief refused as a
    whole (a missing or unreadable asset, copy a legal rule forbids)."""
    from creative_ai.render.text import FontBook

    plan = plan_campaign(
        brief, assets_dir=settings.assets_dir, max_pixels=settings.max_image_pixels, book=FontBook.default()
    )
    blocked = [
        Blocked(v.stem, v.product.id, v.locale, v.placement.ratio, v.preflight_error)
        for v in plan.variants
        if v.preflight_error
    ]
    return plan, blocked


def dropped_brief(file: Path, settings: Settings) -> CampaignBrief:
    """The brief in a file dropped in the agent's inbox, checked as ``creative-ai validate FILE`` checks it.

    Paths resolve against the file's folder, as on the command line (``../assets/x.png`` from ``inbox/``), and must
    lie inside the assets folder once symbolic links are followed; they are stored relative to it, so the job finds
    them wherever it runs. InputError naming every reason otherwise."""
    data = read_brief_file(file)
    brief = parse_brief(data, base_dir=file.resolve().parent, source=file.name)
    rebased = _rebased(brief, file.resolve().parent, settings.assets_dir)
    confined = confined_brief(rebased, assets_dir=settings.assets_dir)
    _plan, blocked = preflight(confined, settings)
    if blocked:
        lines = "\n".join(f"  - {b.product_id}, {b.locale}, {b.aspect_ratio}: {b.reason}" for b in blocked)
        raise InputError(f"{len(blocked)} creative(s) cannot be made as written:\n{lines}")
    return confined


def _rebased(brief: CampaignBrief, folder: Path, assets_dir: Path) -> dict[str, Any]:
    """The brief as data, each asset and rule path relative to the assets folder (InputError for one outside it)."""
    data: dict[str, Any] = brief.model_dump(mode="json", exclude_none=True)
    root = assets_dir.resolve()

    def inside(field: str, value: str) -> str:
        path = Path(value) if Path(value).is_absolute() else folder / value
        resolved = path.resolve()
        if not resolved.is_relative_to(root):
            raise InputError(
                f"{field}: {value!r} lies outside the assets folder ({assets_dir.name}/); the inbox takes files "
                "from there only"
            )
        return resolved.relative_to(root).as_posix()

    for i, product in enumerate(data.get("products", [])):
        if product.get("image"):
            product["image"] = inside(f"products[{i}].image", product["image"])
    brand = data.get("brand") or {}
    for name in ("logo", "logo_light", "logo_dark"):
        if brand.get(name):
            brand[name] = inside(f"brand.{name}", brand[name])
    data["legal_rules"] = [inside(f"legal_rules[{i}]", p) for i, p in enumerate(data.get("legal_rules", []))]
    return data

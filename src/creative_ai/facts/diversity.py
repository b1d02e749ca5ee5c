"""How alike a campaign's creatives look. A product's look is one aspect ratio of one hero: its locales put other
copy on the same picture (the point of locales), so they are one look, never near-duplicates of each other. Looks
are compared within a product across ratios and heroes, and across products at the same ratio, where two products
that look the same is the problem worth an alert."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import NamedTuple

from PIL import Image

from creative_ai.db import tables as t
from creative_ai.facts import models as m
from creative_ai.report.similarity import clusters, dhash, distance

# Two pictures of two products look the same only when their colours do too: the difference hash reads brightness
# gradients alone, so two flat pictures of one layout in other colours would hash alike. The gap is the mean
# difference (of 255) of their 4×4 colour thumbnails.
COLOUR_GAP = 24


class Signature(NamedTuple):
    """What a picture looks like: its difference hash and a 4×4 colour thumbnail."""

    hash: int
    colours: bytes


def signature(data: bytes) -> Signature:
    with Image.open(io.BytesIO(data)) as image:
        colours = image.convert("RGB").resize((4, 4), Image.Resampling.BOX).tobytes()
    return Signature(dhash(data), colours)


def colour_gap(a: Signature, b: Signature) -> float:
    return sum(abs(x - y) for x, y in zip(a.colours, b.colours, strict=True)) / len(a.colours)


Look = list[t.Variant]  # the ok creatives of one product at one ratio with one hero, one per locale
SignatureOf = Callable[[t.Variant], Signature | None]
HeroSignatureOf = Callable[[str], Signature | None]


def looks(ok: Sequence[t.Variant]) -> list[Look]:
    """A product's ok creatives grouped by (ratio, hero), in the order first made; a creative whose hero is not
    recorded goes with the others of its ratio (they differ by locale alone)."""
    groups: dict[tuple[str, str | None], Look] = {}
    for v in ok:
        groups.setdefault((v.aspect_ratio, v.hero_sha256 or None), []).append(v)
    return list(groups.values())


def name(v: t.Variant) -> str:
    return f"{v.product_id}/{v.locale}/{v.aspect_ratio}"


def within(mine: Sequence[Look], signature_of: SignatureOf, limit: int) -> tuple[int, list[m.DuplicatePair]]:
    """How many distinct looks the product has, and the pairs of its looks that look nearly the same. Each look is
    measured on its first creative; a look none of whose creatives can be read counts as distinct."""
    measured: list[tuple[t.Variant, int]] = []
    unread = 0
    for look in mine:
        found = next(((v, h.hash) for v in look if (h := signature_of(v)) is not None), None)
        if found is None:
            unread += 1
        else:
            measured.append(found)
    pairs = []
    for i, (a, ha) in enumerate(measured):
        for b, hb in measured[i + 1 :]:
            if (d := distance(ha, hb)) <= limit:
                pairs.append(m.DuplicatePair(a=name(a), b=name(b), distance=d))
    return len(clusters([h for _, h in measured], limit)) + unread, pairs


def across(
    mine: Sequence[Look], others: Sequence[Look], signature_of: SignatureOf, hero_of: HeroSignatureOf, limit: int
) -> list[m.DuplicatePair]:
    """This product's looks that look like another product's at the same ratio, one pair per two looks."""
    pairs = []
    for look in mine:
        for other in (o for o in others if o[0].aspect_ratio == look[0].aspect_ratio):
            pair = _alike(look, other, signature_of, hero_of, limit)
            if pair is not None:
                pairs.append(pair)
    return pairs


def _alike(
    a_look: Look, b_look: Look, signature_of: SignatureOf, hero_of: HeroSignatureOf, limit: int
) -> m.DuplicatePair | None:
    """Two looks of two products that look the same, or None: the same hero is distance 0; stored heroes are
    compared without the copy; otherwise the creatives of a locale both have (the same copy language) are."""
    theirs = {v.locale: v for v in b_look}
    common = [(v, theirs[v.locale]) for v in a_look if v.locale in theirs]
    a, b = common[0] if common else (a_look[0], b_look[0])
    if a.hero_sha256 and a.hero_sha256 == b.hero_sha256:
        return m.DuplicatePair(a=name(a), b=name(b), distance=0, across_products=True, compared="hero")
    found: list[tuple[t.Variant, t.Variant, Signature | None, Signature | None, bool]] = []
    if a.hero_sha256 and b.hero_sha256:
        found.append((a, b, hero_of(a.hero_sha256), hero_of(b.hero_sha256), True))
    found += [(x, y, signature_of(x), signature_of(y), False) for x, y in common[:1]]
    for x, y, sx, sy, hero in found:
        if sx is not None and sy is not None:
            d = distance(sx.hash, sy.hash)
            if d > limit or colour_gap(sx, sy) > COLOUR_GAP:
                return None
            compared = "hero" if hero else "creative"
            return m.DuplicatePair(a=name(x), b=name(y), distance=d, across_products=True, compared=compared)
    return None

"""Estimated price per generated image, by provider, model and output size: a table of data.

Figures are estimates in USD for one image, by the largest pixel count they cover; keep them in step with the
vendors' price pages. The local provider is free.
"""

from __future__ import annotations

# provider -> model -> [(max pixels, usd per image), ...] in ascending order of pixels
PRICES: dict[str, dict[str, list[tuple[int, float]]]] = {
    "openai": {
        "gpt-image-2.5-flare": [(1_200_000, 0.02), (2_400_000, 0.035), (8_300_000, 0.07)],
        "gpt-image-2.5-sunburst": [(1_200_000, 0.05), (2_400_000, 0.08), (8_300_000, 0.16)],
        "gpt-image-2": [(1_200_000, 0.04), (2_400_000, 0.063), (8_300_000, 0.12)],
        "gpt-image-1.5": [(1_200_000, 0.034), (2_400_000, 0.05), (8_300_000, 0.1)],
    },
    "gemini": {
        "gemini-3.1-flash-image": [(1_100_000, 0.039), (4_200_000, 0.067)],
        "gemini-3-pro-image": [(1_100_000, 0.134), (4_200_000, 0.24)],
        "gemini-2.5-flash-image": [(1_100_000, 0.039), (4_200_000, 0.039)],
    },
}


def estimate_usd(provider: str, model: str, width: int, height: int) -> float:
    """Estimated price of one image; 0 for providers or models without a price row (such as ``local``)."""
    tiers = PRICES.get(provider, {}).get(model)
    if not tiers:
        return 0.0
    pixels = width * height
    for max_pixels, usd in tiers:
        if pixels <= max_pixels:
            return usd
    return tiers[-1][1]

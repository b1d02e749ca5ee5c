"""Perceptual hashes (difference hash, 256 bits) to tell creatives that look alike from ones that do not."""

from __future__ import annotations

import io
from collections.abc import Sequence

from PIL import Image


def dhash(data: bytes, size: int = 16) -> int:
    """A size²-bit difference hash of an encoded image: brightness gradients of a (size+1)×size thumbnail."""
    with Image.open(io.BytesIO(data)) as image:
        small = image.convert("L").resize((size + 1, size), Image.Resampling.LANCZOS)
        pixels = list(small.tobytes())
    bits = 0
    for row in range(size):
        for col in range(size):
            left, right = pixels[row * (size + 1) + col], pixels[row * (size + 1) + col + 1]
            bits = (bits << 1) | int(left > right)
    return bits


def distance(a: int, b: int) -> int:
    return (a ^ b).bit_count()


def clusters(hashes: Sequence[int], max_distance: int) -> list[list[int]]:
    """Group indexes whose hashes are within ``max_distance`` of a group's first member (greedy, stable)."""
    groups: list[list[int]] = []
    for index, value in enumerate(hashes):
        for group in groups:
            if distance(hashes[group[0]], value) <= max_distance:
                group.append(index)
                break
        else:
            groups.append([index])
    return groups

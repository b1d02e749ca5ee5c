"""The subject finder on real photographs (the ones scikit-image ships in its wheel, CC0 / public domain), each
with its subject's box marked by hand. On a photograph the finder either finds a box that holds the whole subject
or says it found none (and the whole picture is kept): it never hands the framing a box that cuts the subject.
On bare surfaces (brick, grass, gravel, the moon's craters, a star field) it finds nothing."""

from __future__ import annotations

import importlib.resources

import pytest
from PIL import Image

from creative_ai.render.subject import find_subject

MARKED = {  # file: the subject's box, marked by hand on the picture (source pixels)
    "camera.png": (0, 62, 410, 512),  # a man with a camera on a tripod, cut by the left and bottom edges
    "coins.png": (20, 18, 380, 288),  # 24 coins on a dark cloth
    "clock_motion.png": (160, 105, 260, 205),  # a motion-blurred clock face
    "coffee.png": (75, 17, 480, 390),  # a cup on its saucer on a wooden table
    "rocket.jpg": (308, 125, 338, 405),  # a rocket between launch towers at dusk
    "chelsea.png": (0, 0, 451, 300),  # a cat's face filling the frame
    "astronaut.png": (0, 10, 512, 512),  # a portrait with a helmet, cut by the bottom edge
    "motorcycle_left.png": (285, 60, 741, 450),  # a motorcycle in a workshop
}
SURFACES = ["brick.png", "grass.png", "gravel.png", "moon.png", "hubble_deep_field.jpg"]


def _photo(name: str) -> Image.Image:
    with (importlib.resources.files("skimage") / "data" / name).open("rb") as handle:
        image = Image.open(handle)
        image.load()
    return image


def _held(found: tuple[int, int, int, int], marked: tuple[int, int, int, int]) -> float:
    ix = max(0, min(found[2], marked[2]) - max(found[0], marked[0]))
    iy = max(0, min(found[3], marked[3]) - max(found[1], marked[1]))
    return ix * iy / ((marked[2] - marked[0]) * (marked[3] - marked[1]))


@pytest.mark.parametrize("name", sorted(MARKED))
def test_a_found_box_holds_the_whole_subject_of_a_real_photograph(name: str) -> None:
    image = _photo(name)
    found = find_subject(image)
    if not found.found:
        assert found.box == (0, 0, *image.size) and found.note  # the whole picture kept, and said so
        return
    assert _held(found.box, MARKED[name]) >= 0.95, (name, found)


def test_some_real_subjects_are_found_not_only_given_up_on() -> None:
    found = {name: find_subject(_photo(name)) for name in ("coins.png", "clock_motion.png")}
    for name, subject in found.items():
        assert subject.method == "backdrop" and _held(subject.box, MARKED[name]) >= 0.95, (name, subject)
        area = (subject.box[2] - subject.box[0]) * (subject.box[3] - subject.box[1])
        marked = MARKED[name]
        assert area <= 2.2 * (marked[2] - marked[0]) * (marked[3] - marked[1]), (name, subject)  # not everything


@pytest.mark.parametrize("name", SURFACES)
def test_a_bare_surface_has_no_subject(name: str) -> None:
    image = _photo(name)
    assert find_subject(image).method == "none", name

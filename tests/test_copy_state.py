"""A run says what it was asked and what it cannot do: a --locale or --ratio the brief does not have is exit 2 with
the brief's values; a brief whose `locale` is not among its `locales` is an error naming both."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import base_brief, write_brief


def test_a_locale_or_ratio_not_in_the_brief_is_refused_with_the_valid_values(cli, workdir: Path) -> None:  # type: ignore[no-untyped-def]
    path = write_brief(workdir, base_brief(locales=["en", "de"], aspect_ratios=["1x1", "9x16"]))
    wrong_locale = cli("run", str(path), "--locale", "fr", "--output", "out")
    assert wrong_locale.code == 2 and "--locale: fr not in the brief (its values: en, de)" in wrong_locale.stderr
    wrong_ratio = cli("run", str(path), "--ratio", "4x5", "--output", "out")
    assert wrong_ratio.code == 2 and "--ratio: 4x5 not in the brief (its values: 1x1, 9x16)" in wrong_ratio.stderr
    assert not (workdir / "out").exists() and "Traceback" not in wrong_locale.stderr + wrong_ratio.stderr
    assert cli("run", str(path), "--locale", "de", "--ratio", "9x16", "--output", "out").code == 0


def test_a_source_locale_outside_the_locales_is_an_error_naming_both(cli, workdir: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("validate", str(write_brief(workdir, base_brief(locale="fr", locales=["en", "de"]))))
    assert result.code == 2
    assert "locale: 'fr' is not one of locales ['en', 'de']" in result.stderr, result.stderr
    fine = cli("validate", str(write_brief(workdir, base_brief(locale="de", locales=["en", "de"]))))
    assert fine.code == 0, fine.stderr

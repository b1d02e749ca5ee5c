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


def test_the_summary_says_which_copy_is_untranslated_and_prints_whole_paths(cli, workdir: Path) -> None:  # type: ignore[no-untyped-def]
    brief = base_brief(locales=["en", "fr"], aspect_ratios=["1x1", "9x16"], target_market="Global")
    path = write_brief(workdir, brief)
    deep = workdir / ("a folder name long enough to be cut by any terminal table " * 2).strip() / "out"
    result = cli("run", str(path), "--output", str(deep))  # no TTY: a log or a pipe
    assert result.code == 0, result.stderr
    for ratio in ("1x1", "9x16"):
        for locale in ("en", "fr"):
            whole = deep / "test-campaign" / "prod_a" / ratio / f"prod_a_{ratio}_{locale}.png"
            assert f"prod_a\t{locale}\t{ratio}\tok\t{whole}" in result.stdout, result.stdout
    assert "warning: 2 of 2 fr creative(s) carry the source copy untranslated (needs_translation)" in result.stdout
    assert "warning" not in result.stdout.replace("warning: 2 of 2 fr", "")  # en is the source: nothing to say
    state = cli("run", str(path), "--output", str(deep), "--json").json()["copy_state"]
    assert state == {
        "en": {"creatives": 2, "needs_translation": 0, "machine_translated": 0},
        "fr": {"creatives": 2, "needs_translation": 2, "machine_translated": 0},
    }

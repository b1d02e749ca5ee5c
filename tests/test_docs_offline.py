"""/docs and /redoc need nothing outside the server: every script, style, icon and image they name is a path of
the server's own (and answers), and their Content-Security-Policy lets the page reach no other origin."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from creative_ai.api import create_app
from creative_ai.config import get_settings


class Resources(HTMLParser):
    """The URLs a page loads: script src, link href, img/source/iframe src."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = {"script": "src", "link": "href", "img": "src", "source": "src", "iframe": "src"}.get(tag)
        for name, value in attrs:
            if name == wanted and value:
                self.urls.append(value)


@pytest.fixture
def client(workdir: Path):  # type: ignore[no-untyped-def]
    settings = get_settings(output_dir=workdir / "out", database_url=f"sqlite:///{workdir / 'docs.db'}")
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.mark.parametrize(("page", "bundle"), [("/docs", "swagger-ui-bundle.js"), ("/redoc", "redoc.standalone.js")])
def test_docs_pages_load_only_from_the_server(client: TestClient, page: str, bundle: str) -> None:
    response = client.get(page)
    assert response.status_code == 200
    parser = Resources()
    parser.feed(response.text)
    assert any(url.endswith(bundle) for url in parser.urls), parser.urls
    for url in parser.urls:
        assert url.startswith("/") and not url.startswith("//"), url  # a path on this server, no scheme or host
        assert client.get(url).status_code == 200, url
    policy = dict(part.strip().split(" ", 1) for part in response.headers["content-security-policy"].split(";"))
    assert policy["default-src"] == "'self'"
    assert "http" not in response.headers["content-security-policy"]  # no other origin allowed for anything
    assert set(policy["img-src"].split()) <= {"'self'", "data:"}

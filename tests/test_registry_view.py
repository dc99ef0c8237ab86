"""Tests for the RegistryTimeline widget, without a browser."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("ipywidgets")

from k8s_helpers.registry import DEFAULT_RELEASES, VERDICTS  # noqa: E402
from k8s_helpers.widgets.registry_view import RegistryTimeline  # noqa: E402


def rows(html):
    """deployment -> verdict, read back from the rendered HTML."""
    return dict(re.findall(r'data-deployment="([^"]+)" data-verdict="([^"]+)"', html))


def step_of(html):
    return int(re.search(r'class="k8s-registry-step" data-step="(\d+)"', html).group(1))


def test_one_line_constructor_and_css_classes():
    w = RegistryTimeline()
    assert "k8s-registry" in w._dom_classes
    assert "k8s-registry-next" in w.next_button._dom_classes
    assert "k8s-registry-prev" in w.prev_button._dom_classes
    assert "k8s-registry-reset" in w.reset_button._dom_classes
    assert "k8s-registry-table" in w.output._dom_classes
    assert all("k8s-registry-tag-select" in d._dom_classes for d in w.dropdowns.values())
    assert set(w.dropdowns) == {"tienda-web", "api-pagos", "panel-interno", "blog"}
    assert w.next_button.description == "Siguiente publicación ▶"
    assert w.prev_button.disabled and not w.next_button.disabled
    assert step_of(w.html) == 0
    assert "Situación inicial" in w.html
    assert set(rows(w.html).values()) == {"unchanged"}


def test_next_button_changes_content_and_shows_verdicts():
    w = RegistryTimeline()
    first = w.html
    w.next_button.click()  # 1.21.5
    assert w.html != first
    assert step_of(w.html) == 1
    assert "Se publica la 1.21.5" in w.html
    assert rows(w.html) == {"tienda-web": "patch", "api-pagos": "patch",
                            "panel-interno": "patch", "blog": "missing-fixes"}
    assert VERDICTS["missing-fixes"] in w.html
    # the tag table marks what moved
    assert re.search(r'data-tag="1.21" data-moved="true"', w.html)
    assert not re.search(r'data-tag="1.20" data-moved', w.html)

    w.next_button.click()  # 1.22.0
    assert rows(w.html)["tienda-web"] == "minor"
    w.next_button.click()  # 1.21.6
    w.next_button.click()  # 2.0.0
    html = w.html
    assert "Se publica la 2.0.0" in html
    assert rows(html)["tienda-web"] == "major"
    assert "¡cambio de MAJOR: rompe compatibilidad!" in html
    assert "#b91c1c" in html  # red verdict


def test_dropdown_change_rerenders_same_step():
    w = RegistryTimeline()
    w.go_to(4)  # after 2.0.0
    assert rows(w.html)["blog"] == "missing-fixes"
    w.dropdowns["blog"].value = "latest"
    assert step_of(w.html) == 4
    assert rows(w.html)["blog"] == "major"
    assert w.deployments["blog"] == "latest"
    assert 'data-deployment="blog"' in w.html and "nginx:latest" in w.html


def test_prev_reset_and_bounds():
    w = RegistryTimeline()
    for _ in range(len(DEFAULT_RELEASES) + 3):
        w.next_button.click()
    assert w.step == len(DEFAULT_RELEASES)
    assert w.next_button.disabled
    last = w.html
    w.prev_button.click()
    assert w.step == len(DEFAULT_RELEASES) - 1 and w.html != last
    w.reset_button.click()
    assert w.step == 0 and w.prev_button.disabled
    assert "Situación inicial" in w.html


def test_custom_story_and_escaping():
    w = RegistryTimeline({"<script>": "1.21", "app": "1"}, releases=["1.21.5", "2.0.0"],
                         initial=["1.21.4"], repository="mi-app")
    assert "<script>" not in w.html and "&lt;script&gt;" in w.html
    assert "mi-app:1.21" in w.html
    w.next_button.click()
    w.next_button.click()
    assert w.next_button.disabled
    assert rows(w.html) == {"&lt;script&gt;": "unchanged", "app": "unchanged"}

"""Tests for k8s_helpers.registry: floating tags and release verdicts."""

from __future__ import annotations

import itertools
import random

import pytest

from k8s_helpers.registry import (
    DEFAULT_DEPLOYMENTS,
    DEFAULT_INITIAL_VERSIONS,
    DEFAULT_RELEASES,
    TAG_CHOICES,
    VERDICTS,
    SimulatedRegistry,
    Version,
    evaluate_release,
    floating_tags,
    parse_version,
    simulate_timeline,
)


def V(text):
    return parse_version(text)


def test_parse_version_and_order():
    assert V("1.21.4") == Version(1, 21, 4)
    assert V("v2.0.1") == Version(2, 0, 1)
    assert V("1.10.0") > V("1.9.9")  # numeric, not text comparison
    assert str(V("1.21.4")) == "1.21.4"
    assert V("1.21.4").minor_line == "1.21"
    for bad in ["1.21", "1", "latest", "1.21.x", "01.2.3", "1.2.3.4", ""]:
        with pytest.raises(ValueError, match="MAJOR.MINOR.PATCH"):
            V(bad)


def test_floating_tags():
    assert floating_tags("1.21.4") == ["1.21.4", "1.21", "1"]
    assert floating_tags(Version(2, 0, 0)) == ["2.0.0", "2.0", "2"]


def test_publish_moves_tags_like_a_publisher():
    reg = SimulatedRegistry("nginx", ["1.21.4"])
    assert {t: str(v) for t, v in reg.tags.items()} == {
        "1.21.4": "1.21.4", "1.21": "1.21.4", "1": "1.21.4", "latest": "1.21.4"}

    pub = reg.publish("1.21.5")
    assert set(pub.moved) == {"1.21.5", "1.21", "1", "latest"}
    assert pub.moved["1.21"] == (V("1.21.4"), V("1.21.5"))
    assert pub.moved["1.21.5"] == (None, V("1.21.5"))
    assert reg.resolve("1.21.4") == V("1.21.4")  # full versions never move

    reg.publish("1.22.0")
    assert reg.resolve("latest") == V("1.22.0")
    assert reg.resolve("1") == V("1.22.0")
    assert reg.resolve("1.21") == V("1.21.5")  # the 1.21 line is untouched

    reg.publish("2.0.0")
    assert reg.resolve("latest") == V("2.0.0")
    assert reg.resolve("1") == V("1.22.0")
    assert reg.resolve("2") == V("2.0.0")


def test_publishing_an_older_patch_moves_only_its_line():
    reg = SimulatedRegistry("nginx", ["1.20.8", "1.21.0"])
    pub = reg.publish("1.20.9")
    assert set(pub.moved) == {"1.20.9", "1.20"}
    assert reg.resolve("1.20") == V("1.20.9")
    assert reg.resolve("1") == V("1.21.0")
    assert reg.resolve("latest") == V("1.21.0")


def test_resolve_unknown_tags():
    reg = SimulatedRegistry("nginx", ["1.21.4"])
    assert reg.resolve("1.23") is None
    assert reg.resolve("3") is None
    assert reg.resolve("1.21.9") is None
    assert reg.resolve("alpine") is None
    assert SimulatedRegistry("vacio").resolve("latest") is None


def test_publish_twice_is_an_error():
    reg = SimulatedRegistry("nginx", ["1.21.4"])
    with pytest.raises(ValueError, match="ya está publicada"):
        reg.publish("1.21.4")


def test_copy_is_independent():
    reg = SimulatedRegistry("nginx", ["1.21.4"])
    other = reg.copy()
    other.publish("1.21.5")
    assert reg.resolve("latest") == V("1.21.4")
    assert other.resolve("latest") == V("1.21.5")
    assert reg.history == [V("1.21.4")]


def test_tags_match_resolve_for_random_histories():
    """Property check: the snapshot `tags` and `resolve` agree with a brute force."""
    rng = random.Random(7)
    pool = [Version(a, b, c) for a, b, c in itertools.product(range(3), range(4), range(5))]
    for _ in range(30):
        history = rng.sample(pool, rng.randint(1, 20))
        reg = SimulatedRegistry("x", history)
        tags = reg.tags
        for tag, version in tags.items():
            assert reg.resolve(tag) == version
        assert tags["latest"] == max(history)
        for v in history:
            assert tags[v.minor_line] == max(w for w in history if w.minor_line == v.minor_line)
            assert tags[str(v.major)] == max(w for w in history if w.major == v.major)


def _verdicts(changes):
    return {c.deployment: c.verdict for c in changes}


def test_evaluate_release_verdicts():
    before = SimulatedRegistry("nginx", ["1.21.4"])
    after = before.copy()
    after.publish("1.21.5")
    deps = {"a": "latest", "b": "1", "c": "1.21", "d": "1.21.4", "e": "1.23"}
    changes = evaluate_release(deps, before, after)
    assert _verdicts(changes) == {"a": "patch", "b": "patch", "c": "patch",
                                  "d": "missing-fixes", "e": "missing-tag"}
    d = next(c for c in changes if c.deployment == "d")
    assert d.missed == V("1.21.5")
    assert "se pierden arreglos de errores" in d.label and "1.21.5" in d.label

    before2 = after.copy()
    after.publish("2.0.0")
    assert _verdicts(evaluate_release(deps, before2, after)) == {
        "a": "major", "b": "unchanged", "c": "unchanged", "d": "missing-fixes", "e": "missing-tag"}


def test_evaluate_release_accepts_tag_maps():
    changes = evaluate_release({"x": "1"}, {"1": "1.21.4"}, {"1": "1.22.0"})
    assert changes[0].verdict == "minor"
    assert changes[0].label == "cambio de MINOR (nueva funcionalidad)"
    assert evaluate_release({"x": "2"}, {}, {"2": "2.0.0"})[0].verdict == "new-tag"


def test_default_timeline_story():
    steps = simulate_timeline()
    assert len(steps) == len(DEFAULT_RELEASES) + 1
    assert steps[0].version is None and steps[0].title == "Situación inicial"
    assert all(c.verdict == "unchanged" for c in steps[0].changes)
    # every choice the student can make starts at 1.21.4
    start = SimulatedRegistry("nginx", DEFAULT_INITIAL_VERSIONS)
    assert {start.resolve(t) for t in TAG_CHOICES} == {V("1.21.4")}
    by_version = {str(s.version): _verdicts(s.changes) for s in steps[1:]}
    assert by_version["1.21.5"] == {"tienda-web": "patch", "api-pagos": "patch",
                                    "panel-interno": "patch", "blog": "missing-fixes"}
    assert by_version["1.22.0"]["tienda-web"] == "minor"
    assert by_version["1.22.0"]["panel-interno"] == "unchanged"
    assert by_version["1.21.6"]["panel-interno"] == "patch"
    assert by_version["2.0.0"]["tienda-web"] == "major"
    assert by_version["2.0.0"]["api-pagos"] == "unchanged"
    assert by_version["1.20.3"] == {"tienda-web": "unchanged", "api-pagos": "unchanged",
                                    "panel-interno": "unchanged", "blog": "missing-fixes"}
    # the 1.20 line moves when its patch is published, nothing else
    assert set(steps[-1].moved) == {"1.20", "1.20.3"}


def test_timeline_with_custom_deployments():
    steps = simulate_timeline({"solo": "1.22"})
    assert steps[0].changes[0].verdict == "missing-tag"
    step_122 = next(s for s in steps if str(s.version) == "1.22.0")
    assert step_122.changes[0].verdict == "new-tag"
    assert step_122.changes[0].after == V("1.22.0")


def test_default_deployments_use_the_offered_tags():
    assert set(DEFAULT_DEPLOYMENTS.values()) <= set(TAG_CHOICES)
    assert set(VERDICTS) >= {"unchanged", "patch", "minor", "major", "missing-fixes"}

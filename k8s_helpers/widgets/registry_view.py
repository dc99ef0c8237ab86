"""Widget: ¿qué les pasa a mis despliegues cuando se publica una versión nueva?

Only renders: the story (registry, tags, verdicts) comes from
``k8s_helpers.registry.simulate_timeline``.

Uso en un cuaderno (una línea)::

    from k8s_helpers.widgets.registry_view import RegistryTimeline
    RegistryTimeline()

Stable CSS classes for browser tests:

* ``k8s-registry``: the whole widget (VBox)
* ``k8s-registry-tag-select``: each deployment's Dropdown
* ``k8s-registry-prev`` / ``k8s-registry-next`` / ``k8s-registry-reset``: buttons
* ``k8s-registry-table``: the HTML output; inside it ``k8s-registry-step`` (step
  title), ``k8s-registry-tags`` (tag table), ``k8s-registry-deployments``
  (deployment table, one ``<tr data-deployment=... data-verdict=...>`` per row)
"""

from __future__ import annotations

from html import escape
from typing import Iterable, Mapping

import ipywidgets as widgets

from k8s_helpers.registry import (
    DEFAULT_DEPLOYMENTS,
    DEFAULT_INITIAL_VERSIONS,
    DEFAULT_RELEASES,
    DEFAULT_REPOSITORY,
    TAG_CHOICES,
    ReleaseStep,
    Version,
    simulate_timeline,
)

__all__ = ["RegistryTimeline", "VERDICT_COLOURS", "render_step"]

VERDICT_COLOURS = {
    "unchanged": "#4b5563",
    "patch": "#15803d",
    "minor": "#1d4ed8",
    "major": "#b91c1c",
    "missing-fixes": "#c2410c",
    "missing-tag": "#7f1d1d",
    "new-tag": "#0f766e",
}

_CELL = "padding:4px 10px;border-bottom:1px solid #e5e7eb;text-align:left"


def _tag_sort_key(tag: str):
    if tag == "latest":
        return (0, ())
    parts = tuple(int(p) for p in tag.split("."))
    return (len(parts), tuple(-p for p in parts))


def render_step(step: ReleaseStep, total: int, repository: str = DEFAULT_REPOSITORY,
                chosen_tags: Iterable[str] = ()) -> str:
    """El HTML de un paso: etiquetas del registro y veredicto de cada despliegue."""
    chosen = set(chosen_tags)
    # the tags worth showing: latest, every MAJOR and MAJOR.MINOR, and full versions in use
    shown = [t for t in step.tags if t.count(".") < 2 or t in chosen or t in step.moved]
    shown.sort(key=_tag_sort_key)
    rows = []
    for tag in shown:
        version = step.tags[tag]
        moved = tag in step.moved
        old = step.moved[tag][0] if moved else None
        if moved and old is None:
            note = "nueva"
        elif moved:
            note = f"se mueve (antes {old})"
        else:
            note = ""
        weight = "font-weight:bold;" if moved else ""
        moved_attr = ' data-moved="true"' if moved else ""
        rows.append(
            f'<tr data-tag="{escape(tag)}"{moved_attr}>'
            f'<td style="{_CELL};{weight}"><code>{escape(repository)}:{escape(tag)}</code></td>'
            f'<td style="{_CELL};{weight}">{version}</td>'
            f'<td style="{_CELL};color:#6b7280">{note}</td></tr>'
        )
    tag_table = (
        '<table class="k8s-registry-tags" style="border-collapse:collapse;margin:4px 0 10px">'
        f'<tr><th style="{_CELL}">Etiqueta</th><th style="{_CELL}">Apunta a</th>'
        f'<th style="{_CELL}"></th></tr>{"".join(rows)}</table>'
    )
    dep_rows = []
    for c in step.changes:
        colour = VERDICT_COLOURS.get(c.verdict, "#111827")
        before = "—" if c.before is None else str(c.before)
        after = "—" if c.after is None else str(c.after)
        dep_rows.append(
            f'<tr data-deployment="{escape(c.deployment)}" data-verdict="{c.verdict}">'
            f'<td style="{_CELL}"><b>{escape(c.deployment)}</b></td>'
            f'<td style="{_CELL}"><code>{escape(repository)}:{escape(c.tag)}</code></td>'
            f'<td style="{_CELL}">{before}</td>'
            f'<td style="{_CELL}">{after}</td>'
            f'<td class="k8s-registry-verdict" style="{_CELL};color:{colour};font-weight:bold">'
            f'{escape(c.label)}</td></tr>'
        )
    dep_table = (
        '<table class="k8s-registry-deployments" style="border-collapse:collapse;margin:4px 0">'
        f'<tr><th style="{_CELL}">Despliegue</th><th style="{_CELL}">Imagen</th>'
        f'<th style="{_CELL}">Antes</th><th style="{_CELL}">Ahora</th>'
        f'<th style="{_CELL}">Veredicto</th></tr>{"".join(dep_rows)}</table>'
    )
    title = escape(step.title)
    return (
        f'<div class="k8s-registry-step" data-step="{step.index}" style="font-size:1.1em;'
        f'font-weight:bold;margin:6px 0">Paso {step.index} de {total - 1}: {title}</div>'
        f'<div style="margin:2px 0">Etiquetas de <code>{escape(repository)}</code> en el registro:</div>'
        f"{tag_table}"
        f'<div style="margin:2px 0">Tus despliegues en producción:</div>'
        f"{dep_table}"
    )


class RegistryTimeline(widgets.VBox):
    """Elige la etiqueta de cada despliegue y avanza por las publicaciones del registro.

    ``RegistryTimeline()`` usa la historia del capítulo (``nginx``: 1.21.5,
    1.22.0, 1.21.6, 2.0.0...). Se puede cambiar todo:
    ``RegistryTimeline({"tienda-web": "latest", "blog": "1.21.4"}, releases=["1.21.5", "2.0.0"])``.
    """

    def __init__(
        self,
        deployments: Mapping[str, str] | None = None,
        releases: Iterable[str | Version] = DEFAULT_RELEASES,
        initial: Iterable[str | Version] = DEFAULT_INITIAL_VERSIONS,
        tag_choices: Iterable[str] = TAG_CHOICES,
        repository: str = DEFAULT_REPOSITORY,
    ):
        self.repository = repository
        self._releases = tuple(str(r) for r in releases)
        self._initial = tuple(str(v) for v in initial)
        deployments = dict(DEFAULT_DEPLOYMENTS if deployments is None else deployments)
        choices = list(dict.fromkeys(list(tag_choices) + list(deployments.values())))

        self.dropdowns: dict[str, widgets.Dropdown] = {}
        for name, tag in deployments.items():
            dd = widgets.Dropdown(options=choices, value=tag, description=name,
                                  style={"description_width": "110px"},
                                  layout=widgets.Layout(width="260px"))
            dd.add_class("k8s-registry-tag-select")
            dd.observe(self._on_tag_change, names="value")
            self.dropdowns[name] = dd

        self.prev_button = widgets.Button(description="◀ Anterior",
                                          tooltip="Volver a la publicación anterior")
        self.next_button = widgets.Button(description="Siguiente publicación ▶",
                                          button_style="primary",
                                          tooltip="Publicar la siguiente versión",
                                          layout=widgets.Layout(width="auto"))
        self.reset_button = widgets.Button(description="Reiniciar",
                                           tooltip="Volver a la situación inicial")
        self.prev_button.add_class("k8s-registry-prev")
        self.next_button.add_class("k8s-registry-next")
        self.reset_button.add_class("k8s-registry-reset")
        self.prev_button.on_click(lambda _b: self.go_to(self.step - 1))
        self.next_button.on_click(lambda _b: self.go_to(self.step + 1))
        self.reset_button.on_click(lambda _b: self.go_to(0))

        self.output = widgets.HTML()
        self.output.add_class("k8s-registry-table")
        intro = widgets.HTML(
            "<b>Elige con qué etiqueta despliega cada aplicación</b> y pulsa "
            "«Siguiente publicación» para ver cómo se mueven las etiquetas del registro "
            "y qué le pasa a cada despliegue."
        )
        self.step = 0
        self._steps: list[ReleaseStep] = []
        super().__init__(
            children=[
                intro,
                widgets.HBox(list(self.dropdowns.values()),
                             layout=widgets.Layout(flex_flow="row wrap")),
                widgets.HBox([self.prev_button, self.next_button, self.reset_button]),
                self.output,
            ]
        )
        self.add_class("k8s-registry")
        self._recompute()

    # -- state ---------------------------------------------------------------
    @property
    def deployments(self) -> dict[str, str]:
        """La etiqueta elegida ahora para cada despliegue."""
        return {name: dd.value for name, dd in self.dropdowns.items()}

    @property
    def steps(self) -> list[ReleaseStep]:
        return list(self._steps)

    @property
    def current(self) -> ReleaseStep:
        return self._steps[self.step]

    @property
    def html(self) -> str:
        """El HTML que se está mostrando."""
        return self.output.value

    # -- actions -------------------------------------------------------------
    def go_to(self, index: int) -> None:
        """Muestra el paso ``index`` (0 = situación inicial)."""
        self.step = max(0, min(index, len(self._steps) - 1))
        self._render()

    def _on_tag_change(self, _change) -> None:
        self._recompute()

    def _recompute(self) -> None:
        self._steps = simulate_timeline(self.deployments, self._initial, self._releases,
                                        self.repository)
        self.go_to(self.step)

    def _render(self) -> None:
        self.output.value = render_step(self.current, len(self._steps), self.repository,
                                        self.deployments.values())
        self.prev_button.disabled = self.step == 0
        self.next_button.disabled = self.step == len(self._steps) - 1

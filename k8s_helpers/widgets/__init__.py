"""Vistas interactivas (ipywidgets) sobre el modelo del curso.

Each view is imported from its own module, so importing this package costs
nothing and never imports ipywidgets, e.g.::

    from k8s_helpers.widgets.registry_view import RegistryTimeline
"""

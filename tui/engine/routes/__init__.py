"""The engine's HTTP routes, one module per resource; each exports ``routes`` (a list of
Starlette ``Route``) built from the templates in :mod:`tui.contract`."""

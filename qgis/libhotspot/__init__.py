"""libhotspot's QGIS plugin: registers its Processing provider."""


def classFactory(iface):  # noqa: N802 (QGIS's name)
    from .plugin import Plugin
    return Plugin(iface)

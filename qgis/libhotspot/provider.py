"""The "libhotspot" Processing provider: one algorithm per `hotspot`
command, each a library job through the Python package (same numbers and
files as the command line)."""
import os

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from .algorithms import ALGORITHMS


class Provider(QgsProcessingProvider):
    def id(self):
        return "libhotspot"

    def name(self):
        return "libhotspot"

    def longName(self):  # noqa: N802
        return "libhotspot: crime hotspots, ward tables and patrol plans"

    def icon(self):
        return QIcon(os.path.join(os.path.dirname(__file__), "icon.svg"))

    def loadAlgorithms(self):  # noqa: N802
        for cls in ALGORITHMS:
            self.addAlgorithm(cls())

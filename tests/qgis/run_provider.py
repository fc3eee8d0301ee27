"""The QGIS Processing provider, headless with QGIS 3.22 (python3-qgis): it
registers its algorithms; libhotspot:kde on a data.police.uk CSV opened as
a delimited-text layer gives the density `hotspot kde` gives on the same
file (pixel for pixel, to float precision: QGIS's PROJ transform and ours
may differ in the last bits), loaded with its style; libhotspot:hotspots
names the places by their Location field; libhotspot:report writes a
project QGIS opens. Every feature is counted. The density and hotspots are
drawn to a PNG to look at. Usage: run_provider.py HOTSPOT_EXE DATA PLUGIN_DIR WORK"""
import os
import subprocess
import sys

exe, data, plugin_dir, work = sys.argv[1:5]
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path[:0] = ["/usr/share/qgis/python/plugins", plugin_dir]
from qgis.core import (QgsApplication, QgsCoordinateReferenceSystem, QgsMapRendererSequentialJob,  # noqa: E402
                       QgsMapSettings, QgsProcessingContext, QgsProcessingFeedback, QgsProject,
                       QgsRasterLayer, QgsVectorLayer)

app = QgsApplication([], True)  # with widgets: the toolbox is drawn too
app.initQgis()
import processing  # noqa: E402
from processing.core.Processing import Processing  # noqa: E402

Processing.initialize()
from libhotspot.provider import Provider  # noqa: E402

provider = Provider()
QgsApplication.processingRegistry().addProvider(provider)
fail = []
ids = sorted(a.id() for a in provider.algorithms())
want = sorted("libhotspot:" + n for n in ("grid", "wards", "kde", "hotspots", "patrol", "change",
                                          "evaluate", "trend", "report"))
if ids != want:
    fail.append("algorithms %s, want %s" % (ids, want))
else:
    print("ok   provider registers %d algorithms" % len(ids))

csv = os.path.join(data, "police-uk-kent", "2024-01-kent-street.csv")
uri = "file://%s?delimiter=,&xField=Longitude&yField=Latitude&crs=EPSG:4326" % csv
layer = QgsVectorLayer(uri, "kent", "delimitedtext")
assert layer.isValid(), "delimited text layer"
V = "Violence and sexual offences"
ctx, fb = QgsProcessingContext(), QgsProcessingFeedback()
ctx.setProject(QgsProject.instance())
out = os.path.join(work, "qgis_kde.tif")
res = processing.run("libhotspot:kde", {"INPUT": layer, "DATE": "Month", "CATEGORY": "Crime type",
                                        "CRIME_TYPE": V, "BANDWIDTH": 300, "PIXEL_SIZE": 50,
                                        "OUTPUT": out}, context=ctx, feedback=fb)
subprocess.run([exe, "kde", csv, "--crime-type", V, "--bandwidth", "300", "--pixel-size", "50",
                "-q", "-o", os.path.join(work, "cli_kde.asc")], check=True)
subprocess.run([exe, "kde", csv, "--crime-type", V, "--bandwidth", "300", "--pixel-size", "50",
                "-q", "-o", os.path.join(work, "cli_kde.tif")], check=True)
r = QgsRasterLayer(res["OUTPUT"], "density")
c = QgsRasterLayer(os.path.join(work, "cli_kde.tif"), "cli")
if not r.isValid() or r.renderer().type() != "singlebandpseudocolor":
    fail.append("kde output not loaded with its style: %s" % (r.renderer().type() if r.isValid() else "invalid"))
elif (r.width(), r.height(), r.extent().toString(3)) != (c.width(), c.height(), c.extent().toString(3)):
    fail.append("kde grid %s differs from the command's %s" % (
        (r.width(), r.height(), r.extent().toString(3)), (c.width(), c.height(), c.extent().toString(3))))
else:
    a, b = r.dataProvider().block(1, r.extent(), r.width(), r.height()), \
        c.dataProvider().block(1, c.extent(), c.width(), c.height())
    worst = max(abs(a.value(i, j) - b.value(i, j)) for i in range(r.height()) for j in range(r.width()))
    top = max(b.value(i, j) for i in range(c.height()) for j in range(c.width()))
    if worst > 1e-5 * top:
        fail.append("kde values differ from the command's by up to %g (max %g)" % (worst, top))
    else:
        print("ok   libhotspot:kde = hotspot kde on the same CSV (%dx%d pixels, largest "
              "difference %.2g of a maximum %.4g), loaded with its style" % (r.width(), r.height(), worst, top))

hot = os.path.join(work, "qgis_hotspots.geojson")
processing.run("libhotspot:hotspots", {"INPUT": layer, "CATEGORY": "Crime type", "CRIME_TYPE": V,
                                       "LABEL": "Location", "DATE": "Month", "TOP": 10, "OUTPUT": hot},
               context=ctx, feedback=fb)
h = QgsVectorLayer(hot, "hotspots", "ogr")
locs = [f["location"] for f in h.getFeatures()]
if h.featureCount() != 10 or not all(locs) or h.renderer().type() != "singleSymbol":
    fail.append("hotspots: %d features, locations %s" % (h.featureCount(), locs[:3]))
else:
    print("ok   libhotspot:hotspots: 10 places named by Location (%s, ...), styled" % locs[0])

rep = os.path.join(work, "qgis_report")
processing.run("libhotspot:report", {"INPUT": layer, "CATEGORY": "Crime type", "CRIME_TYPE": V,
                                     "DATE": "Month", "LABEL": "Location", "TITLE": "From QGIS",
                                     "OUTPUT": rep}, context=ctx, feedback=fb)
p = QgsProject()
if not p.read(os.path.join(rep, "project.qgs")) or not os.path.exists(os.path.join(rep, "report.html")):
    fail.append("report: no page or a project QGIS cannot read")
else:
    print("ok   libhotspot:report: report.html and a project QGIS reads (%d layers)" % len(p.mapLayers()))

from qgis.core import QgsRectangle  # noqa: E402
from qgis.PyQt.QtCore import QSize  # noqa: E402
from qgis.PyQt.QtGui import QColor  # noqa: E402

# The town centre around the first hotspot: the density and the places.
first = next(f for f in h.getFeatures() if f["rank"] == 1)
c = first.geometry().centroid().asPoint()
from qgis.core import QgsCoordinateTransform  # noqa: E402
c = QgsCoordinateTransform(h.crs(), QgsCoordinateReferenceSystem("EPSG:27700"), QgsProject.instance()).transform(c)
ms = QgsMapSettings()
ms.setLayers([h, r])
ms.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:27700"))
ms.setExtent(QgsRectangle(c.x() - 1500, c.y() - 1500, c.x() + 1500, c.y() + 1500))
ms.setOutputSize(QSize(800, 800))
ms.setBackgroundColor(QColor("white"))
from qgis.core import QgsExpressionContext, QgsExpressionContextUtils  # noqa: E402
ec = QgsExpressionContext()  # @map_scale for the hotspot labels, as the canvas gives it
ec.appendScope(QgsExpressionContextUtils.mapSettingsScope(ms))
ms.setExpressionContext(ec)
job = QgsMapRendererSequentialJob(ms)
job.start()
job.waitForFinished()
job.renderedImage().save(os.path.join(work, "qgis_provider.png"))
print("ok   drawn to", os.path.join(work, "qgis_provider.png"))
# The Processing toolbox with the provider, as QGIS shows it.
try:
    from qgis.gui import QgsProcessingToolboxTreeView
    tree = QgsProcessingToolboxTreeView(None, QgsApplication.processingRegistry())
    tree.setFilterString("libhotspot")
    tree.expandAll()
    tree.resize(420, 330)
    tree.grab().save(os.path.join(work, "qgis_toolbox.png"))
    print("ok   toolbox drawn to", os.path.join(work, "qgis_toolbox.png"))
except Exception as e:  # a picture for people, not a check
    print("skip toolbox picture:", e)
for f in fail:
    print("FAIL:", f)
sys.stdout.flush()
# QGIS 3.22 can crash tearing down a widget application headless; the
# checks are done, so leave without the teardown.
os._exit(1 if fail else 0)

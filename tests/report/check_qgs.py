"""Opens a project written by 'hotspot report' with QGIS itself (PyQGIS,
headless) and checks that every layer loads and is valid, in order (from the
bottom: a street map, the ward choropleth and the grid, all switched off;
then the density, the labelled ward outlines and the hotspots on top),
styled, in EPSG:27700 (GeoJSON layers in WGS84, as RFC 7946 says; the web
tiles in Web Mercator), with the data's attribution, and the feature counts
of the files (read independently with json). Then QGIS draws the project at
two scales, the borough and the town centre around the top hotspot: at the
borough scale the ward names and the hotspot ranks are drawn without the
hotspots' street names, which appear at the town-centre scale (labels only
where they fit; QGIS's labeling results are counted). The two images are
saved for a person to look at. Usage: check_qgs.py FOLDER [PNG_PREFIX]"""
import json
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.core import QgsApplication, QgsProject, QgsRasterLayer, QgsVectorLayer  # noqa: E402

folder = sys.argv[1]
app = QgsApplication([], False)
app.initQgis()
fail = []
project = QgsProject.instance()
if not project.read(os.path.join(folder, "project.qgs")):
    print("FAIL: QGIS cannot read project.qgs:", project.error())
    sys.exit(1)
if project.crs().authid() != "EPSG:27700":
    fail.append("project CRS is %r, not EPSG:27700" % project.crs().authid())
root = project.layerTreeRoot()
nodes = root.findLayers()  # top of the panel first
names = [node.name() for node in nodes]
want = ["Top hotspots", "Wards", "Kernel density", "Grid: incidents per cell", "Wards: incidents",
        "OpenStreetMap (online)"]
if names != want:
    fail.append("layer order %r, want %r" % (names, want))
off = {n.name() for n in nodes if not n.isVisible()}
if off != {"Grid: incidents per cell", "Wards: incidents", "OpenStreetMap (online)"}:
    fail.append("switched off: %r" % sorted(off))
for node in nodes:
    layer = node.layer()
    if layer is None or not layer.isValid():
        fail.append("%s: not valid (%s)" % (node.name(), layer.source() if layer else "missing"))
        continue
    web = layer.providerType() == "wms"
    # GeoJSON is WGS84 (RFC 7946); the GeoTIFF is in the working CRS.
    want_crs = "EPSG:3857" if web else "EPSG:27700" if isinstance(layer, QgsRasterLayer) else "EPSG:4326"
    if layer.crs().authid() != want_crs:
        fail.append("%s: CRS %s, want %s" % (layer.name(), layer.crs().authid(), want_crs))
    if not layer.attribution():
        fail.append("%s: no attribution" % layer.name())
    if isinstance(layer, QgsVectorLayer):
        src = layer.source().split("|")[0]
        with open(src) as f:
            n = len(json.load(f)["features"])
        if layer.featureCount() != n:
            fail.append("%s: %d features, the file has %d" % (layer.name(), layer.featureCount(), n))
        kind = layer.renderer().type()
        want_kind = "graduatedSymbol" if ":" in layer.name() else "singleSymbol"
        if kind != want_kind:
            fail.append("%s: renderer %s, want %s" % (layer.name(), kind, want_kind))
        if kind == "graduatedSymbol" and len(layer.renderer().ranges()) < 2:
            fail.append("%s: fewer than 2 classes" % layer.name())
        if layer.name() in ("Wards", "Top hotspots"):
            s = layer.labeling().settings() if layer.labelsEnabled() and layer.labeling() else None
            if s is None or not s.scaleVisibility:
                fail.append("%s: no scale-dependent labels" % layer.name())
    elif not web:
        kind = layer.renderer().type()
        shader = layer.renderer().shader().rasterShaderFunction()
        alphas = [item.color.alpha() for item in shader.colorRampItemList()]
        if kind != "singlebandpseudocolor" or alphas[0] != 0 or alphas != sorted(alphas):
            fail.append("%s: renderer %s, ramp alphas %s (want clear first, rising)" % (layer.name(), kind, alphas))
    print("ok   %-26s %-7s valid, %-10s %s%s" % (
        layer.name(), "raster" if isinstance(layer, QgsRasterLayer) else "vector", layer.crs().authid(),
        layer.renderer().type(), "" if node.isVisible() else ", off"))

if len(sys.argv) > 2 and not fail:
    from qgis.core import (QgsCoordinateTransform, QgsExpressionContext, QgsExpressionContextUtils,
                           QgsMapRendererSequentialJob, QgsMapSettings, QgsRectangle)
    from qgis.PyQt.QtCore import QSize
    from qgis.PyQt.QtGui import QColor
    layers = [n.layer() for n in nodes if n.isVisible()]
    by_name = {n.name(): n.layer() for n in nodes}
    wards, hot = by_name["Wards"], by_name["Top hotspots"]
    to_bng = QgsCoordinateTransform(wards.crs(), project.crs(), project)
    borough = to_bng.transformBoundingBox(wards.extent())
    first = next(f for f in hot.getFeatures() if f["rank"] == 1)
    c = to_bng.transform(first.geometry().centroid().asPoint())
    town = QgsRectangle(c.x() - 700, c.y() - 700, c.x() + 700, c.y() + 700)

    def draw(extent, png):
        ms = QgsMapSettings()
        ms.setLayers(layers)
        ms.setDestinationCrs(project.crs())
        ms.setExtent(extent)
        ms.setOutputSize(QSize(900, 900))
        ms.setOutputDpi(96)
        ms.setBackgroundColor(QColor("white"))
        # As QGIS's map canvas and print layouts do: the map's variables
        # (@map_scale, which the hotspot labels read) in the context.
        ctx = QgsExpressionContext()
        ctx.appendScopes(QgsExpressionContextUtils.globalProjectLayerScopes(hot))
        ctx.appendScope(QgsExpressionContextUtils.mapSettingsScope(ms))
        ms.setExpressionContext(ctx)
        job = QgsMapRendererSequentialJob(ms)
        job.start()
        job.waitForFinished()
        job.renderedImage().save(png)
        labels = job.takeLabelingResults().allLabels()
        by = {}
        for lab in labels:
            by.setdefault(lab.layerID, []).append(lab.labelText)
        return ms.scale(), by.get(wards.id(), []), by.get(hot.id(), [])

    for what, extent in (("borough", borough), ("town", town)):
        png = "%s_%s.png" % (sys.argv[2], what)
        scale, wl, hl = draw(extent, png)
        named = [t for t in hl if " " in t]
        print("ok   drawn by QGIS at 1:%.0f (%s) to %s: %d ward names, %d hotspot labels "
              "(%d with a street)" % (scale, what, png, len(wl), len(hl), len(named)))
        if not wl:
            fail.append("%s: no ward names drawn" % what)
        if not hl:
            fail.append("%s: no hotspot labels drawn" % what)
        if what == "borough" and named:
            fail.append("borough scale: street names drawn (%s): they do not fit there" % named[:3])
        if what == "town" and not named:
            fail.append("town-centre scale: no hotspot labelled with its street")
app.exitQgis()
for f in fail:
    print("FAIL:", f)
sys.exit(1 if fail else 0)

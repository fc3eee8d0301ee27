"""Opens a project written by 'hotspot report' with QGIS itself (PyQGIS,
headless) and checks that every layer loads and is valid, in order (wards at
the bottom, then the density, then the hotspots on top), styled, in
EPSG:27700 (GeoJSON layers in WGS84, as RFC 7946 says), with the data's
attribution. Also checks the layers' feature
counts against the files (independent: json). Usage: check_qgs.py FOLDER [PNG]"""
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
names = [node.name() for node in root.findLayers()]  # top of the panel first
want = ["Top hotspots", "Kernel density", "Wards: incidents"]
if names != want:
    fail.append("layer order %r, want %r" % (names, want))
for node in root.findLayers():
    layer = node.layer()
    if layer is None or not layer.isValid():
        fail.append("%s: not valid (%s)" % (node.name(), layer.source() if layer else "missing"))
        continue
    # GeoJSON is WGS84 (RFC 7946); the GeoTIFF is in the working CRS.
    want_crs = "EPSG:27700" if isinstance(layer, QgsRasterLayer) else "EPSG:4326"
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
        want_kind = "graduatedSymbol" if layer.name().startswith("Wards") else "singleSymbol"
        if kind != want_kind:
            fail.append("%s: renderer %s, want %s" % (layer.name(), kind, want_kind))
        if kind == "graduatedSymbol" and len(layer.renderer().ranges()) < 2:
            fail.append("%s: fewer than 2 classes" % layer.name())
    elif isinstance(layer, QgsRasterLayer):
        kind = layer.renderer().type()
        if kind != "singlebandpseudocolor":
            fail.append("%s: renderer %s" % (layer.name(), kind))
    print("ok   %-18s %-7s valid, %s, %s" % (layer.name(), "raster" if isinstance(layer, QgsRasterLayer) else "vector",
                                         layer.crs().authid(), layer.renderer().type()))
if len(sys.argv) > 2 and not fail:
    # Draw the project as QGIS would (for a person to look at).
    from qgis.core import QgsCoordinateTransform, QgsMapRendererSequentialJob, QgsMapSettings
    from qgis.PyQt.QtCore import QSize
    from qgis.PyQt.QtGui import QColor
    layers = [node.layer() for node in root.findLayers()]
    wards = layers[-1]
    extent = QgsCoordinateTransform(wards.crs(), project.crs(), project).transformBoundingBox(
        wards.extent())
    ms = QgsMapSettings()
    ms.setLayers(layers)
    ms.setDestinationCrs(project.crs())
    ms.setExtent(extent)
    ms.setOutputSize(QSize(900, 900))
    ms.setBackgroundColor(QColor("white"))
    job = QgsMapRendererSequentialJob(ms)
    job.start()
    job.waitForFinished()
    job.renderedImage().save(sys.argv[2])
    print("ok   drawn by QGIS to", sys.argv[2])
app.exitQgis()
for f in fail:
    print("FAIL:", f)
sys.exit(1 if fail else 0)

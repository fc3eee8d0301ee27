"""The algorithms: each maps its QGIS parameters to one `hotspot` command
run as a library job (hotspot.run), with the incidents taken from any
point layer QGIS can open (a data.police.uk CSV as delimited text, a
GeoPackage, a PostGIS table) through the package's arrays path, and
polygon layers passed as files (exported to a GeoPackage when they are not
a Shapefile, GeoJSON or GeoPackage on disk). Outputs are the command's
files, with their .qml styles beside them, which QGIS applies on loading;
progress and cancel go through QgsProcessingFeedback."""
import os
import tempfile

import numpy as np
from qgis.core import (QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsFeatureRequest,
                       QgsProcessing, QgsProcessingAlgorithm, QgsProcessingContext,
                       QgsProcessingException, QgsProcessingParameterBoolean,
                       QgsProcessingParameterEnum, QgsProcessingParameterFeatureSource,
                       QgsProcessingParameterField, QgsProcessingParameterFile,
                       QgsProcessingParameterFileDestination,
                       QgsProcessingParameterFolderDestination, QgsProcessingParameterNumber,
                       QgsProcessingParameterRasterDestination, QgsProcessingParameterString,
                       QgsProcessingParameterVectorLayer, QgsProject, QgsVectorFileWriter,
                       QgsWkbTypes)
from qgis.PyQt.QtCore import QDate, QDateTime

import hotspot

WORKING_CRS = "EPSG:27700"
VECTOR_FILTER = "GeoJSON (*.geojson);;Shapefile (*.shp);;CSV (*.csv)"


def _text(v):
    """A field value as text for dates and names ("" for NULL)."""
    if v is None or (hasattr(v, "isNull") and v.isNull()):
        return ""
    if isinstance(v, QDateTime):
        return v.toString("yyyy-MM-ddTHH:mm:ss")
    if isinstance(v, QDate):
        return v.toString("yyyy-MM-dd")
    return str(v)


def incidents_from_layer(source, date_field, category_field, weight_field, label_field, context,
                         feedback):
    """The point features as hotspot.Incidents (reprojected to British
    National Grid); every feature counted, those without a point rejected
    as "no location"."""
    to = QgsCoordinateTransform(source.sourceCrs(), QgsCoordinateReferenceSystem(WORKING_CRS),
                                context.transformContext())
    xs, ys, dates, cats, weights, labels = [], [], [], [], [], []
    n = max(source.featureCount(), 1)
    for i, f in enumerate(source.getFeatures(QgsFeatureRequest())):
        if feedback.isCanceled():
            raise QgsProcessingException("cancelled")
        g = f.geometry()
        if g is None or g.isEmpty() or QgsWkbTypes.geometryType(g.wkbType()) != QgsWkbTypes.PointGeometry:
            xs.append(np.nan), ys.append(np.nan)
        else:
            p = to.transform(g.asPoint() if not g.isMultipart() else g.asMultiPoint()[0])
            xs.append(p.x()), ys.append(p.y())
        if date_field:
            d = _text(f[date_field])
            dates.append(d if d else "NaT")
        if category_field:
            cats.append(_text(f[category_field]))
        if weight_field:
            w = f[weight_field]
            weights.append(float(w) if w not in (None, "") else np.nan)
        if label_field:
            labels.append(_text(f[label_field]))
        if i % 10000 == 0:
            feedback.setProgress(10 * i / n)
    return hotspot.Incidents.from_arrays(
        np.array(xs, dtype=float), np.array(ys, dtype=float), name=source.sourceName() or "layer",
        dates=np.array(dates, dtype="datetime64") if date_field else None,
        categories=cats if category_field else None,
        weights=np.array(weights) if weight_field else None,
        labels=labels if label_field else None)


def polygon_file(layer, context, feedback, keep_dir):
    """A file the library reads for a polygon layer: its own source when it
    is a Shapefile, GeoJSON or GeoPackage on disk, else a GeoPackage copy."""
    if layer is None:
        return None
    src = layer.source()
    path, _, rest = src.partition("|")
    opts = [o for o in rest.split("|") if o]
    if (layer.providerType() == "ogr" and os.path.isfile(path)
            and path.lower().endswith((".shp", ".geojson", ".json", ".gpkg"))
            and all(o.startswith("layername=") for o in opts) and not layer.subsetString()):
        return path + ("|" + opts[0] if opts and path.lower().endswith(".gpkg") else "")
    out = os.path.join(keep_dir, "polygons_%d.gpkg" % len(os.listdir(keep_dir)))
    o = QgsVectorFileWriter.SaveVectorOptions()
    o.driverName = "GPKG"
    err = QgsVectorFileWriter.writeAsVectorFormatV3(layer, out, context.transformContext(), o)
    if err[0] != QgsVectorFileWriter.NoError:
        raise QgsProcessingException("cannot copy %s to a GeoPackage: %s" % (layer.name(), err[1]))
    return out


class HotspotAlgorithm(QgsProcessingAlgorithm):
    """One `hotspot` command. Subclasses give: NAME, TITLE, COMMAND, HELP,
    OUTPUT ("vector", "raster", "csv", "folder"), and params() adding
    their own parameters, with options() mapping them to the command's."""

    NAME = TITLE = COMMAND = HELP = ""
    OUTPUT = "vector"
    POINTS = True  # takes an incidents layer

    def name(self):
        return self.NAME

    def displayName(self):  # noqa: N802
        return self.TITLE

    def group(self):
        return "Hotspots"

    def groupId(self):  # noqa: N802
        return "hotspots"

    def shortHelpString(self):  # noqa: N802
        return self.HELP + ("<p>Incidents: any point layer; the date field takes YYYY-MM "
                            "(police.uk's Month), YYYY-MM-DD or date-times.</p>" if self.POINTS else "")

    def createInstance(self):  # noqa: N802
        return type(self)()

    def initAlgorithm(self, config=None):  # noqa: N802
        if self.POINTS:
            self.addParameter(QgsProcessingParameterFeatureSource(
                "INPUT", "Incidents (points)", [QgsProcessing.TypeVectorPoint]))
            for key, label, kind in (("DATE", "Date field (e.g. Month)", QgsProcessingParameterField.Any),
                                     ("CATEGORY", "Crime type field", QgsProcessingParameterField.Any),
                                     ("WEIGHT", "Weight (harm) field", QgsProcessingParameterField.Numeric),
                                     ("LABEL", "Place field (e.g. Location)", QgsProcessingParameterField.Any)):
                self.addParameter(QgsProcessingParameterField(key, label, None, "INPUT", kind,
                                                              optional=True))
            self.addParameter(QgsProcessingParameterString(
                "CRIME_TYPE", "Only this crime type (e.g. Violence and sexual offences)", optional=True))
            self.addParameter(QgsProcessingParameterString("FROM", "From (YYYY-MM)", optional=True))
            self.addParameter(QgsProcessingParameterString("TO", "To (YYYY-MM)", optional=True))
        self.params()
        if self.OUTPUT == "raster":
            self.addParameter(QgsProcessingParameterRasterDestination("OUTPUT", "Density"))
        elif self.OUTPUT == "folder":
            self.addParameter(QgsProcessingParameterFolderDestination("OUTPUT", "Report folder"))
        elif self.OUTPUT == "csv":
            self.addParameter(QgsProcessingParameterFileDestination("OUTPUT", self.TITLE, "CSV (*.csv)"))
        else:
            self.addParameter(QgsProcessingParameterFileDestination("OUTPUT", self.TITLE, VECTOR_FILTER))

    def params(self):
        pass

    def options(self, p, context, feedback, tmp):
        return {}

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        self._parameters = parameters  # for options(): polygon layers
        p = lambda key: parameters.get(key)  # noqa: E731
        out = self.parameterAsOutputLayer(parameters, "OUTPUT", context) if self.OUTPUT == "raster" \
            else self.parameterAsFileOutput(parameters, "OUTPUT", context) if self.OUTPUT != "folder" \
            else self.parameterAsString(parameters, "OUTPUT", context)
        if self.OUTPUT == "raster" and not out.lower().endswith((".tif", ".asc")):
            out = os.path.splitext(out)[0] + ".tif"
        with tempfile.TemporaryDirectory(prefix="libhotspot-") as tmp:
            opts = {}
            inc = None
            if self.POINTS:
                src = self.parameterAsSource(parameters, "INPUT", context)
                field = lambda k: self.parameterAsString(parameters, k, context) or None  # noqa: E731
                inc = incidents_from_layer(src, field("DATE"), field("CATEGORY"), field("WEIGHT"),
                                           field("LABEL"), context, feedback)
                for key, opt in (("CRIME_TYPE", "crime_type"), ("FROM", "from_"), ("TO", "to")):
                    v = self.parameterAsString(parameters, key, context)
                    if v:
                        opts[opt] = v
                s = inc.summary
                feedback.pushInfo("%d features: %d used, %s" % (s["rows_read"], s["rows_used"],
                                                                  s["rejected"] or "none rejected"))
            opts.update(self.options(p, context, feedback, tmp))

            def progress(stage, done, total):
                if total:
                    feedback.setProgress(10 + 90 * done / total)
                feedback.setProgressText(stage)
                return feedback.isCanceled()

            try:
                hotspot.run(self.COMMAND, inc if self.POINTS else opts.pop("_input"), out,
                            progress=progress, **opts)
            except KeyboardInterrupt:
                raise QgsProcessingException("cancelled")
            except hotspot.HotspotError as e:
                raise QgsProcessingException(str(e))
        name = self.TITLE
        if self.OUTPUT in ("vector", "raster") and not out.lower().endswith(".csv"):
            context.addLayerToLoadOnCompletion(out, QgsProcessingContext.LayerDetails(
                name, context.project() or QgsProject.instance(), "OUTPUT"))
        return {"OUTPUT": out}


def _polygons(alg, key, label, optional=True):
    alg.addParameter(QgsProcessingParameterVectorLayer(key, label, [QgsProcessing.TypeVectorPolygon],
                                                       optional=optional))


def _number(alg, key, label, default, minimum=0, integer=False, optional=False):
    alg.addParameter(QgsProcessingParameterNumber(
        key, label, QgsProcessingParameterNumber.Integer if integer else QgsProcessingParameterNumber.Double,
        default, optional, minimum))


def _layer_option(alg, parameters, key, context, feedback, tmp):
    return polygon_file(alg.parameterAsVectorLayer(parameters, key, context), context, feedback, tmp)


class Grid(HotspotAlgorithm):
    NAME, TITLE, COMMAND = "grid", "Grid counts", "grid"
    HELP = "Incidents per equal-sized cell (squares or hexagons), as `hotspot grid`."

    def params(self):
        _number(self, "CELL_SIZE", "Cell size (m)", 150, 1)
        self.addParameter(QgsProcessingParameterEnum("SHAPE", "Cell shape", ["square", "hex"], defaultValue=0))

    def options(self, p, context, feedback, tmp):
        return {"cell_size": p("CELL_SIZE") or 150, "shape": ["square", "hex"][p("SHAPE") or 0]}


class Wards(HotspotAlgorithm):
    NAME, TITLE, COMMAND = "wards", "Ward table", "wards"
    HELP = ("Counts, share, rank, density per ward (or LSOA) polygon; with a compare period, the "
            "change per day and its exact test; as `hotspot wards`.")

    def params(self):
        _polygons(self, "WARDS", "Wards (polygons; default the built-in Gravesham wards)")
        self.addParameter(QgsProcessingParameterString("COMPARE", "Compare period FROM..TO", optional=True))
        self.addParameter(QgsProcessingParameterFile("POPULATION", "Population CSV (code,population)",
                                                     extension="csv", optional=True))

    def options(self, p, context, feedback, tmp):
        return {"wards": _layer_option(self, self._parameters, "WARDS", context, feedback, tmp),
                "compare": p("COMPARE") or None, "population": p("POPULATION") or None}



class Kde(HotspotAlgorithm):
    NAME, TITLE, COMMAND, OUTPUT = "kde", "Kernel density", "kde", "raster"
    HELP = ("Exact kernel density (every incident, every pixel within reach), as `hotspot kde`: "
            "GeoTIFF with its style and a .json of how it was made.")

    def params(self):
        _number(self, "BANDWIDTH", "Bandwidth (m; empty: by the rule)", None, 0, optional=True)
        self.addParameter(QgsProcessingParameterEnum("RULE", "Bandwidth rule", ["thumb", "scott", "silverman", "area"],
                                                     defaultValue=0))
        _number(self, "PIXEL_SIZE", "Pixel size (m; empty: automatic)", None, 0, optional=True)
        self.addParameter(QgsProcessingParameterEnum(
            "KERNEL", "Kernel", ["quartic", "epanechnikov", "triangular", "uniform", "triweight", "gaussian"],
            defaultValue=0))
        _polygons(self, "MASK", "Study area (pixels outside are nodata)")

    def options(self, p, context, feedback, tmp):
        kernels = ["quartic", "epanechnikov", "triangular", "uniform", "triweight", "gaussian"]
        return {"bandwidth": p("BANDWIDTH") or None, "bandwidth_rule": ["thumb", "scott", "silverman", "area"][p("RULE") or 0],
                "pixel_size": p("PIXEL_SIZE") or None, "kernel": kernels[p("KERNEL") or 0],
                "mask": _layer_option(self, self._parameters, "MASK", context, feedback, tmp)}



class Hotspots(HotspotAlgorithm):
    NAME, TITLE, COMMAND = "hotspots", "Hotspots (Gi*, ranked places)", "hotspots"
    HELP = ("Equal cells ranked by incidents or harm, with Getis-Ord Gi* (FDR), PAI, ward and "
            "place names: the places for Grip patrols, as `hotspot hotspots`.")

    def params(self):
        _number(self, "CELL_SIZE", "Cell size (m)", 150, 1)
        _number(self, "TOP", "How many places", 20, 1, integer=True)
        _polygons(self, "WARDS", "Wards (name each place; also the study area)")
        _polygons(self, "STUDY_AREA", "Study area")

    def options(self, p, context, feedback, tmp):
        return {"cell_size": p("CELL_SIZE") or 150, "top": p("TOP") or 20,
                "wards": _layer_option(self, self._parameters, "WARDS", context, feedback, tmp),
                "study_area": _layer_option(self, self._parameters, "STUDY_AREA", context, feedback, tmp)}



class Change(Hotspots):
    NAME, TITLE, COMMAND = "change", "Change between two periods", "change"
    HELP = "Per place, the counts before and after, the change per 30 days and its exact test."

    def params(self):
        self.addParameter(QgsProcessingParameterString("BEFORE", "Before FROM..TO"))
        self.addParameter(QgsProcessingParameterString("AFTER", "After FROM..TO"))
        _number(self, "CELL_SIZE", "Cell size (m)", 150, 1)
        _polygons(self, "WARDS", "Wards (name each place; also the study area)")

    def options(self, p, context, feedback, tmp):
        return {"before": p("BEFORE"), "after": p("AFTER"), "cell_size": p("CELL_SIZE") or 150,
                "wards": _layer_option(self, self._parameters, "WARDS", context, feedback, tmp)}


class Trend(Hotspots):
    NAME, TITLE, COMMAND = "trend", "Emerging hotspots (trend)", "trend"
    HELP = "Gi* per period, Mann-Kendall trend and emerging-hotspot categories per place."

    def params(self):
        self.addParameter(QgsProcessingParameterEnum("PERIOD", "Period", ["auto", "month", "quarter", "year"],
                                                     defaultValue=0))
        _number(self, "CELL_SIZE", "Cell size (m)", 150, 1)
        _polygons(self, "WARDS", "Wards (name each place; also the study area)")

    def options(self, p, context, feedback, tmp):
        return {"period": ["auto", "month", "quarter", "year"][p("PERIOD") or 0],
                "cell_size": p("CELL_SIZE") or 150,
                "wards": _layer_option(self, self._parameters, "WARDS", context, feedback, tmp)}


class Evaluate(Hotspots):
    NAME, TITLE, COMMAND, OUTPUT = "evaluate", "Evaluate hotspots (hit rate, PAI, RRI)", "evaluate", "csv"
    HELP = "How well places chosen on one period capture another's incidents."

    def params(self):
        self.addParameter(QgsProcessingParameterFile("HOTSPOTS", "Hotspots CSV (from 'Hotspots')", extension="csv"))
        self.addParameter(QgsProcessingParameterString("AFTER", "Measured period FROM..TO"))
        self.addParameter(QgsProcessingParameterString("BEFORE", "Period chosen on FROM..TO", optional=True))
        _polygons(self, "STUDY_AREA", "Study area")

    def options(self, p, context, feedback, tmp):
        return {"hotspots": p("HOTSPOTS"), "after": p("AFTER"), "before": p("BEFORE") or None,
                "study_area": _layer_option(self, self._parameters, "STUDY_AREA", context, feedback, tmp)}


class Patrol(HotspotAlgorithm):
    NAME, TITLE, COMMAND, OUTPUT, POINTS = "patrol", "Patrol plan", "patrol", "csv", False
    HELP = ("A randomised schedule of short visits (Koper: about 15 minutes) to the hotspots, "
            "with control places held back, as `hotspot patrol`.")

    def params(self):
        self.addParameter(QgsProcessingParameterFile("HOTSPOTS", "Hotspots CSV (from 'Hotspots')", extension="csv"))
        _number(self, "DAYS", "Days", 28, 1, integer=True)
        _number(self, "VISITS", "Visits a day per place", 3, 1, integer=True)
        _number(self, "MINUTES", "Minutes a visit", 15, 1, integer=True)
        _number(self, "SEED", "Random seed", 1, 0, integer=True)
        self.addParameter(QgsProcessingParameterBoolean("HALF", "Hold back half as controls", False))

    def options(self, p, context, feedback, tmp):
        return {"_input": p("HOTSPOTS"), "days": p("DAYS"), "visits": p("VISITS"),
                "minutes": p("MINUTES"), "seed": p("SEED"), "half": bool(p("HALF"))}


class Report(Hotspots):
    NAME, TITLE, COMMAND, OUTPUT = "report", "Hotspot report (page, QGIS project, layers)", "report", "folder"
    HELP = ("The whole job, as `hotspot report`: ward table, grid, density, Gi* hotspots, patrol "
            "plan, a QGIS project and a page for the board.")

    def params(self):
        _polygons(self, "WARDS", "Wards (default the built-in Gravesham wards)")
        self.addParameter(QgsProcessingParameterString("TITLE", "Title", "Hotspot report"))
        _number(self, "CELL_SIZE", "Cell size (m)", 150, 1)
        _number(self, "TOP", "How many places", 20, 1, integer=True)

    def options(self, p, context, feedback, tmp):
        return {"wards": _layer_option(self, self._parameters, "WARDS", context, feedback, tmp),
                "title": p("TITLE") or None, "cell_size": p("CELL_SIZE") or 150, "top": p("TOP") or 20}

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        result = super().processAlgorithm(parameters, context, feedback)
        folder = result["OUTPUT"]
        for name, title in (("density.tif", "Kernel density"), ("wards.geojson", "Wards"),
                            ("hotspots.geojson", "Top hotspots")):
            context.addLayerToLoadOnCompletion(os.path.join(folder, name), QgsProcessingContext.LayerDetails(
                title, context.project() or QgsProject.instance(), "OUTPUT"))
        result["REPORT"] = os.path.join(folder, "report.html")
        return result


ALGORITHMS = [Grid, Wards, Kde, Hotspots, Patrol, Change, Evaluate, Trend, Report]

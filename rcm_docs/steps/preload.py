"""Imported by the fork server before it forks a worker: what every worker would otherwise load for itself
at its first step, loaded once. The modules (pandas, python-docx, lxml, Jinja, Typst: about a second), then
the shipped country outlines and admin1 points (about 0.3 s).

The collector is paused while they load: their objects all live as long as the process, and its passes
over them were a sixth of the load. Then they are frozen (gc.freeze): a worker's collections skip them,
and pages shared with the server stay shared (a pass would write to every object it visits)."""
import gc
import importlib

MODULES = ["rcm_docs.steps.workers", "rcm_docs.documents.pictures.charts", "rcm_docs.documents.compose",
           "rcm_docs.documents.typeset.pandoc", "rcm_docs.documents.typeset.compiler", "rcm_docs.documents.word.finish",
           "rcm_docs.intake.tables.validate", "rcm_docs.intake.tables.annotate", "rcm_docs.intake.tables.report", "openpyxl",
           "markdown", "rcm_docs.model.figures"]

gc.disable()
try:
    for _name in MODULES:
        try:
            importlib.import_module(_name)
        except Exception:  # noqa: BLE001  the server must start anyway: a step that needs it imports it
            pass  # itself, and says what is wrong
    try:
        from ..intake.readers import places

        places.countries()
        places.label_points()
    except Exception:  # noqa: BLE001  as above: a step that needs the data loads it and says what is wrong
        pass
finally:
    gc.freeze()
    gc.enable()

"""The example plan workspace (inputs/) and larger synthetic ones for benchmarks: `rcm-docs demo DIR`.

Data and vocabulary live apart from the logic: places.py (countries, areas, population, coordination),
partners.py (the registry), framework.py (sectors, objectives, indicators, leads), activities.py and
texts/ (what partners and coordination teams write); rows.py turns needs into submissions, files.py
writes them, sitreps.py adds funding and monthly reporting, example.py puts it together."""
from .example import generate

__all__ = ["generate"]

"""Imported by the fork server before it forks a worker: what every worker would otherwise load for
itself at its first step (the shipped country outlines and admin1 points, about 0.3 s), loaded once."""
try:
    from ..intake import places

    places.countries()
    places._label_points()
except Exception:  # noqa: BLE001  the server must start anyway (it catches ImportError only): a step that
    pass  # needs the data loads it itself and says what is wrong with it

"""The plan's inputs besides submissions, each read with the tables' checks and reported in the same Problem
shape: contributions (funding.py), monthly progress (progress.py), a country's preparedness files
(preparedness.py), narratives, key messages and highlights (narratives.py, messages.py, markdown.py), the
coordinator's registries (registries.py), where areas are (places.py), the planning framework (framework.py)."""

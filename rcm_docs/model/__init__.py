"""Model: the validated data and every figure computed from it, once. In: accepted rows (submissions,
contributions, progress). Out: the merged plan rows and JSON-ready figures per country and region
(requirements, people consolidated the R4V way, funding, reach), which every document reads."""

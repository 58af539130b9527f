"""A sector submission as a table: read from CSV or a workbook into raw cells that keep the submitter's
coordinates (read.py), held to the data contract (contract.py) by one pass of checks (checks.py, validate.py),
amounts read in the submitter's locale (numbers.py). Out: typed rows or problems, reported in the submitter's
terms (report.py), marked in an annotated copy (annotate.py); the Excel template a sector lead fills in."""

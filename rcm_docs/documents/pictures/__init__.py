"""Pictures in the documents: charts (charts.py, prepcharts.py) and maps (maps.py, their names placed by
maplabels.py), each one call of a Typst function in templates/chart.typ, vector in the PDF and a PNG in Word,
with alt text beside it."""

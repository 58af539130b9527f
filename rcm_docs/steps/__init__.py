"""Steps: what the Snakemake rules call. One module per workflow/rules/<stage>.smk file, of the same name,
each function reading and writing files only and calling the stages above for the work (shared.py: what every
step shares); workers.py runs the steps in warm worker processes. Nothing here computes a figure or words a
sentence."""

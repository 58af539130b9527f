# rcm-docs build: sector submissions in, validated plan data and response plan documents out.
# This file and workflow/rules/*.smk only wire paths to rcm_docs.steps functions; the logic lives in rcm_docs/.
#   snakemake --cores 2                                   # the example workspace in this folder
#   snakemake -s /path/to/rcm-docs/Snakefile -d WORKSPACE --cores 2
import sys

from snakemake.utils import min_version

from rcm_docs.steps import workers

min_version("9.0")

# What Snakemake has loaded stays for the whole build: the collector's passes leave it out from here on.
workers.freeze_loaded()
# First, before the includes (Snakemake's own set-up for the first one takes a third of a second): the
# worker processes' imports then overlap the reading of the rules and the building of the DAG.
if workflow.is_main_process:  # not in a cluster job's own snakemake
    workers.start_fork_server(workflow.resource_settings.cores, sys.argv)


configfile: workflow.source_path("workflow/config.yaml")


include: "workflow/rules/common.smk"
include: "workflow/rules/validate.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/merge.smk"
include: "workflow/rules/render.smk"
include: "workflow/rules/issued.smk"
include: "workflow/rules/preparedness.smk"
include: "workflow/rules/review.smk"


rule all:
    input:
        get_final_outputs(),

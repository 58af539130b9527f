# rcm-docs build: sector submissions in, validated plan data and response plan documents out.
# This file and workflow/rules/*.smk only wire paths to rcm_docs.build functions; the logic lives in rcm_docs/.
#   snakemake --cores 2                                   # the example workspace in this folder
#   snakemake -s /path/to/rcm-docs/Snakefile -d WORKSPACE --cores 2
from snakemake.utils import min_version

min_version("9.0")


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
